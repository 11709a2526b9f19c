"""Table: named numpy columns of equal length, grown by ``add``; slots are never reused; columns may be
updated in place or replaced whole."""

import pickle

import numpy as np
import pytest

from sim.state import Table


def table():
    return Table(alive=np.bool_, net=np.int64, cash=np.float64)


def test_starts_empty_with_typed_columns():
    t = table()
    assert len(t) == 0
    assert (t.alive.dtype, t.net.dtype, t.cash.dtype) == (np.bool_, np.int64, np.float64)


def test_add_returns_new_slots_and_fills_defaults():
    t = table()
    first = t.add(3, alive=True, net=[4, 5, 6])
    np.testing.assert_array_equal(first, [0, 1, 2])
    assert first.dtype == np.int64
    second = t.add(2, cash=2.5)
    np.testing.assert_array_equal(second, [3, 4])
    assert len(t) == 5
    np.testing.assert_array_equal(t.alive, [True, True, True, False, False])  # not given: zero
    np.testing.assert_array_equal(t.net, [4, 5, 6, 0, 0])
    np.testing.assert_array_equal(t.cash, [0.0, 0.0, 0.0, 2.5, 2.5])  # scalars broadcast


def test_values_are_cast_to_the_column_dtype():
    t = table()
    t.add(2, net=np.array([1.9, 2.0]), alive=np.array([1, 0]))
    assert t.net.dtype == np.int64 and t.alive.dtype == np.bool_
    np.testing.assert_array_equal(t.net, [1, 2])
    np.testing.assert_array_equal(t.alive, [True, False])


@pytest.mark.parametrize("value", [True, False, 0, 1, -7, 2**53 + 1, 2.5, -1.9, 1e300, 0.0, -0.0])
def test_one_row_of_python_numbers_gets_what_a_slice_gets(value):
    """``add(1, ...)`` writes a Python number into its row as an item; a one-row slice gets the same bytes."""
    net = value if not isinstance(value, float) or abs(value) < 2**62 else 0  # an int64 holds it
    t = table()
    t.add(1, alive=value, net=net, cash=value)
    expected = {"alive": np.zeros(1, np.bool_), "net": np.zeros(1, np.int64), "cash": np.zeros(1, np.float64)}
    expected["alive"][0:1], expected["net"][0:1], expected["cash"][0:1] = value, net, value
    for name, column in expected.items():
        assert getattr(t, name).tobytes() == column.tobytes(), name


def test_adding_nothing_changes_nothing():
    t = table()
    t.add(2, alive=True)
    assert len(t.add(0)) == 0 and len(t) == 2


def test_existing_rows_keep_their_values_and_edits():
    t = table()
    t.add(2, cash=1.0)
    t.cash[1] = 7.0
    t.add(1, cash=3.0)
    np.testing.assert_array_equal(t.cash, [1.0, 7.0, 3.0])


def test_unknown_column_is_refused_and_nothing_added():
    t = table()
    with pytest.raises(KeyError, match="bogus"):
        t.add(1, bogus=1)
    assert len(t) == 0


def test_wrong_length_is_refused_and_nothing_added():
    t = table()
    t.add(1, net=9)
    with pytest.raises(ValueError):
        t.add(3, net=[1, 2])
    assert len(t) == 1 and len(t.net) == len(t.cash) == 1


def test_growing_past_any_capacity_keeps_every_row():
    t = table()
    for k in range(300):  # many small batches, then a large one
        t.add(1, net=k, cash=k / 2)
    t.add(1000, net=-1)
    assert len(t) == len(t.net) == len(t.cash) == len(t.alive) == 1300
    np.testing.assert_array_equal(t.net[:300], np.arange(300))
    np.testing.assert_array_equal(t.cash[:300], np.arange(300) / 2)
    assert (t.net[300:] == -1).all()


def test_in_place_updates_survive_growth():
    t = table()
    t.add(3, cash=1.0)
    t.cash += 2.0
    t.net[1] = 5
    t.add(500)
    np.testing.assert_array_equal(t.cash[:3], [3.0, 3.0, 3.0])
    assert t.net[1] == 5


def test_a_replaced_column_is_kept():
    """The model replaces whole columns (``n.revenue = losses * ...``); the next add keeps them."""
    t = table()
    t.add(3)
    t.cash = np.array([1.0, 2.0, 3.0])
    t.add(2, cash=9.0)
    np.testing.assert_array_equal(t.cash, [1.0, 2.0, 3.0, 9.0, 9.0])
    t.cash = t.cash * 2
    t.add(200)
    np.testing.assert_array_equal(t.cash[:5], [2.0, 4.0, 6.0, 18.0, 18.0])
    assert t.cash.dtype == np.float64


def test_a_column_replaced_by_a_view_of_its_own_rows():
    """A column replaced by another view of the same rows needs no copy; one in another order, of
    another type or of other rows is a replacement like any other."""
    t = table()
    t.add(3, cash=[1.0, 2.0, 3.0], net=[1, 2, 3])
    t.cash = t.cash[:]
    t.net = t.net[::-1]
    t.add(1)
    np.testing.assert_array_equal(t.cash, [1.0, 2.0, 3.0, 0.0])
    np.testing.assert_array_equal(t.net, [3, 2, 1, 0])
    t.cash = t.cash.view(np.int64).astype(np.float64)  # the bits read as integers: other values
    expected = t.cash.copy()
    t.add(1)
    np.testing.assert_array_equal(t.cash[:4], expected)
    t.net = t._buffers["net"][1:6]  # the right length, but rows 1 to 5
    t.add(1)
    np.testing.assert_array_equal(t.net, [2, 1, 0, 0, 0, 0])


def test_pickle_round_trip():
    t = table()
    t.add(70, net=np.arange(70), cash=1.5)
    t.alive[3] = True
    copy = pickle.loads(pickle.dumps(t))
    assert len(copy) == 70
    for name in ("alive", "net", "cash"):
        np.testing.assert_array_equal(getattr(copy, name), getattr(t, name))
    copy.add(1, net=99)
    assert len(copy) == 71 and len(t) == 70, "the copy is independent"
    empty = pickle.loads(pickle.dumps(table()))
    assert len(empty) == 0 and len(empty.add(2)) == 2


VALUES = [
    True, False, 0, 1, -7, 2**53 + 1, 2.5, -1.9, 0.0, -0.0, float("nan"), np.float64(3.5), np.int64(4),
    np.bool_(True), [1, 0, 3], [1.5, -2.5, 3.0], [True, False, True], [0.0, -0.0, float("nan")], [1, 2.5, 3],
    [True, 2, 0], [2**63, 1, 2], [1, 2, -(2**63) - 1], [np.int64(1), 2, 3], [1, 2], [1, 2, 3, 4],
    np.array([1, 2, 3]), np.array([1.5, -2.5, 3.0]), np.array([True, False, True]),
    np.array([1, 2, 3], dtype=np.int32), np.array([1.5, 2.5, 3.5], dtype=">f8"), np.arange(6)[::2],
    np.arange(6.0)[::2], np.array([[1, 2, 3]]),
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_kind_of_value_gets_what_numpys_assignment_gives(value):
    """Python numbers, numpy scalars, lists and arrays of any type, order or layout, for 3 rows of each
    column type: the bytes numpy's ``column[start:end] = value`` stores, or numpy's error."""
    for dtype in (np.bool_, np.int64, np.float64):
        t = Table(x=dtype)
        t.add(2, x=1)
        expected = np.zeros(5, dtype=dtype)
        expected[:2] = 1
        try:
            with np.errstate(invalid="ignore"):
                expected[2:5] = value
        except (ValueError, TypeError, OverflowError) as numpys:
            with pytest.raises(type(numpys)):
                t.add(3, x=value)
            assert len(t) == 2 and t.x.tobytes() == expected[:2].tobytes()
            continue
        with np.errstate(invalid="ignore"):
            slots = t.add(3, x=value)
        assert slots.tolist() == [2, 3, 4] and t.x.dtype == dtype
        assert t.x.tobytes() == expected.tobytes(), dtype


def test_an_int_beyond_int64_is_numpys_overflow_error_and_adds_nothing():
    t = table()
    with pytest.raises(OverflowError):
        t.add(1, net=2**63)
    assert len(t) == 0


def test_a_negative_number_of_rows_is_refused():
    t = table()
    t.add(2)
    with pytest.raises(ValueError, match="the number of rows must be >= 0, got -1"):
        t.add(-1, net=1)
    assert len(t) == len(t.net) == 2


def test_columns_are_views_of_their_buffers():
    """Each column is the live rows of its buffer (what ``buffer[:len(t)]`` gives), writable in place."""
    t = table()
    t.add(3, net=[1, 2, 3])
    for name in ("alive", "net", "cash"):
        column, buffer = getattr(t, name), t._buffers[name]
        assert column.base is buffer and len(column) == 3 and column.dtype == buffer.dtype
        assert column.flags.writeable and column.flags.c_contiguous
    t.net[0] = 9
    assert t._buffers["net"][0] == 9
