"""Analysis functions against known answers: bootstrap intervals, paired comparisons, Sobol indices."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis import check, sobol, stats


def test_bootstrap_ci_of_a_normal_mean_covers_the_truth_with_the_right_width() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(10.0, 2.0, size=400)
    est, low, high = stats.bootstrap_ci(x)
    assert low < 10.0 < high
    expected = 2 * 1.96 * 2.0 / np.sqrt(400)  # normal-theory width of a 95% interval
    assert high - low == pytest.approx(expected, rel=0.15)
    assert est == pytest.approx(x.mean())


def test_bootstrap_ci_coverage_is_near_95_percent() -> None:
    rng = np.random.default_rng(2)
    hits = sum(
        low <= 0 <= high
        for _, low, high in (stats.bootstrap_ci(rng.normal(0, 1, 40), resamples=500) for _ in range(100))
    )
    assert 85 <= hits <= 99  # an interval that always covers is too wide


def test_paired_differences_recover_a_known_shift_and_test_it() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(100, 20, 30)
    runs = pd.DataFrame(
        {
            "strategy": ["a"] * 30 + ["b"] * 30,
            "replication": list(range(30)) * 2,
            "seed": list(range(30)) * 2,
            "harm_usd": np.concatenate([base, base - 5 + rng.normal(0, 0.5, 30)]),
        }
    )
    table = stats.paired_differences(runs, "strategy", "a", {"harm": ("harm_usd", 1.0)})
    row = table.iloc[0]
    assert row["strategy"] == "b" and row["metric"] == "harm_diff"
    assert row["low"] < -5 < row["high"] and row["high"] - row["low"] < 1
    assert row["p_value"] < 1e-4


def test_summarise_gives_one_row_per_group_and_metric() -> None:
    runs = pd.DataFrame({"g": ["x", "x", "y", "y"], "v": [1.0, 3.0, 5.0, 7.0]})
    table = stats.summarise(runs, ["g"], {"v_k": ("v", 1e-3)})
    assert list(table["estimate"]) == pytest.approx([0.002, 0.006])
    assert list(table.columns) == ["g", *stats.SUMMARY_COLUMNS]


def _ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values() -> None:
    ranges = {f"x{i}": (-np.pi, np.pi) for i in range(1, 4)}
    design = sobol.saltelli_design(ranges, 2**13, seed=7)
    design["y"] = _ishigami(design[list(ranges)].to_numpy())
    f_a, f_b, f_ab = sobol.split_blocks(design, list(ranges), "y")
    table = sobol.sobol_table(f_a, f_b, f_ab, list(ranges), resamples=200)
    assert table["S1"].to_numpy() == pytest.approx([0.314, 0.442, 0.0], abs=0.04)
    assert table["ST"].to_numpy() == pytest.approx([0.558, 0.442, 0.244], abs=0.04)
    assert (table["S1_low"] <= table["S1"]).all() and (table["ST"] <= table["ST_high"]).all()


def test_check_detects_a_changed_number_and_accepts_float_noise() -> None:
    a = pd.DataFrame({"strategy": ["r", "p"], "metric": ["harm", "harm"], "estimate": [1.0, 2.0]})
    assert check.compare_frames("x.csv", a, a.assign(estimate=[1.0 + 1e-12, 2.0])) == []
    diffs = check.compare_frames("x.csv", a, a.assign(estimate=[1.0, 2.5]))
    assert len(diffs) == 1 and "strategy=p" in str(diffs[0]) and "estimate" in str(diffs[0])


def test_pairing_refuses_a_varying_factor_left_out_of_by() -> None:
    """Two runs per replication and level (another factor varies): pairing them all with all would
    count 4 'pairs' per replication; refused, naming the fix."""
    import pytest

    runs = pd.DataFrame(
        {
            "strategy": ["a", "a", "b", "b"] * 3,
            "cost": [1, 2, 1, 2] * 3,
            "replication": [r for r in range(3) for _ in range(4)],
            "seed": [r for r in range(3) for _ in range(4)],
            "harm_usd": np.arange(12, dtype=float),
        }
    )
    with pytest.raises(ValueError, match="several runs per replication.*add the other varying factors"):
        stats.paired_differences(runs, "strategy", "a", {"harm": ("harm_usd", 1.0)})
    table = stats.paired_differences(runs, "strategy", "a", {"harm": ("harm_usd", 1.0)}, by=["cost"])
    assert list(table["n"]) == [3, 3] and list(table["estimate"]) == [2.0, 2.0]
