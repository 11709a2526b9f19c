"""Column tables that hold the homogeneous state of many agents as numpy arrays (STYLE.md point 7).

A row is a slot; slots are never reused, so an agent keeps its slot for life and a dead agent's row
simply has ``alive == False``. Rows are appended in batches; every column has a fixed dtype.

Storage: each column lives in a buffer with spare capacity that doubles when full, and the attribute
is a view of exactly the live rows (``buffer[:len(table)]``), so appending a row costs a copy only
when the buffer grows, not on every add. Code may update a column in place (``t.cash += x``) or
replace it wholesale (``t.cash = new_array`` of the same length); a replaced column is copied back
into its buffer at the next :meth:`add`. Appending and exposing the rows is compiled
(:mod:`sim._tables`), the same operations without numpy's cost per call on a few rows.
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sim import _tables

#: Rows a buffer holds before its first growth.
MIN_CAPACITY = 64


class Table:
    """Named numpy columns of equal length, grown by :meth:`add`."""

    def __init__(self, **columns: Any) -> None:
        self._columns = dict(columns)
        self._names = frozenset(columns)
        self._size = 0
        self._capacity = MIN_CAPACITY
        self._buffers = {name: np.zeros(MIN_CAPACITY, dtype=dtype) for name, dtype in columns.items()}
        self._expose()

    def __len__(self) -> int:
        return self._size

    if TYPE_CHECKING:
        # Columns are plain attributes, made at run time, which type checkers cannot see. Declared for
        # them only: a class with ``__getattr__`` makes every attribute read take a slower path. The
        # compiled kernels read the columns from the instance dictionary (``sim/_numpy_like.pxd``'s
        # ``columns``), so they must stay plain instance attributes (no properties, no slots).

        def __getattr__(self, name: str) -> NDArray[Any]: ...

        def __setattr__(self, name: str, value: Any) -> None: ...  # assigned wholesale too

    def add(self, n: int, **values: Any) -> NDArray[np.int64]:
        """Append ``n`` rows (columns not given start at zero) and return their slot numbers.

        ``KeyError`` for a name that is not a column, ``ValueError`` for a negative ``n``; a value numpy
        cannot store in its column (a wrong length, say) raises numpy's error and adds nothing. Compiled
        (:func:`sim._tables.add`): it runs for every new member, recruiter, company and network."""
        return _tables.add(self, n, values)

    def __getstate__(self) -> dict[str, Any]:
        return {"columns": self._columns, "rows": {name: getattr(self, name) for name in self._columns}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["columns"])  # type: ignore[misc]
        rows = state["rows"]
        self.add(len(next(iter(rows.values()), [])), **rows)

    def _expose(self) -> None:
        """Point every column attribute at the live rows of its buffer (``buffer[:len(self)]``)."""
        _tables.expose(self)
