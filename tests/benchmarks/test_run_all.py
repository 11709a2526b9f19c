"""The benchmark suite's own code: phase timing, the table and the docs it writes (not the timings)."""

import argparse
import dataclasses
import json
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import run_all  # noqa: E402

from tests.conftest import make_small  # noqa: E402


def results(quick: bool = True) -> dict:
    """A results dict shaped like ``run_all.measure``'s, with made-up numbers."""
    machine = {"python": "3.12", "numpy": "2", "mesa": "3.5", "cpus": 2, "load_average": [0.5, 0, 0],
               "platform": "x", "date": "2026-01-01 00:00:00"}  # fmt: skip
    return {
        "setting": {"quick": quick},
        "machine_before": machine,
        "machine_after": machine,
        "latency": {
            "ratio_to_mesa_import": 0.5,
            "throughput_ratio": 0.3,
            "run_seconds": 0.75,
            "mesa_import_seconds": 1.5,
            "agent_steps_per_second": 3e5,
            "plain_mesa_agent_steps_per_second": 1e6,
            "mean_agents": 440,
        },  # fmt: skip
        "phases": {
            "run_seconds": 0.8,
            "phases": {
                "enforce": {"seconds": 0.3, "share": 0.375},
                "other": {"seconds": 0.5, "share": 0.625},
            },
        },  # fmt: skip
        "scaling": {"scales": [1, 4, 16], "seconds": [1.0, 2.0, 6.0], "loglog_slope": 0.65},
        "sweeps": {
            "runs": 200,
            "local_efficiency": 0.93,
            "local_efficiencies": [0.91, 0.95],
            "local_seconds": 80.0,
            "local_busy": 0.95,
            "dask_efficiency": 0.85,
            "dask_seconds": 90.0,
            "dask_busy": 0.9,
            "side_by_side": 0.95,
        },  # fmt: skip
        "analyst": {"available": True, "update_seconds": 1.6},
        "memory": {
            "run_peak_rss_mb": 200.0,
            "import_peak_rss_mb": 150.0,
            "worker_growth_mb_per_run": 0.0,
            "worker_peak_rss_mb": 210.0,
            "sweep_runs": 2000,
        },  # fmt: skip
        "reproduce": {"available": True, "seconds": 20 * 60.0, "matches_published": True},
    }


def test_phase_shares_cover_the_whole_run():
    ph = run_all.bench_phases(run_all.Setting.of(True), make_small())
    shares = [row["share"] for row in ph["phases"].values()]
    assert sum(shares) == pytest.approx(1.0)
    for name in (*run_all.PHASES, "reporters"):
        assert ph["phases"][name]["seconds"] > 0, f"{name} was not timed"
    # "other" (building the world, the week counter) is the remainder: the phases timed must be most
    # of the run (about 90 % here), or the wrappers missed a phase
    assert 0 <= ph["phases"]["other"]["share"] < 0.35


def test_table_verdicts_follow_the_targets():
    rows = {row[0]: row for row in run_all.table_rows(results())}
    assert rows["1 run latency: run / import mesa"][3] == "MISSED / MISSED"  # 0.5 > 0.25 and > 0.1
    assert rows["7 reproduction: sim reproduce"][3] == "MISSED / ok"  # 20 min: over 15, under 30
    assert rows["4 sweep efficiency, local pool x2"][3] == "ok"
    assert rows["5 analyst: explorer update"][3] == "MISSED"
    assert rows["4 machine: 2 runs at once / 1 alone"][1].startswith("0.95")
    assert rows["4 sweep efficiency, local pool x2"][1].startswith("0.93 (0.91 and 0.95 in turns; 200 runs")
    assert rows["4 sweep efficiency, Dask LocalCluster x2"][1].startswith("0.85 (200 runs")  # older results
    older = results()
    del older["sweeps"]["side_by_side"]  # a results file from before the measurement still makes a table
    assert not any(row[0].startswith("4 machine") for row in run_all.table_rows(older))


def test_sweeps_run_in_turns_and_average_each_engine(tmp_path):
    setting = dataclasses.replace(run_all.Setting.of(True), sweep_runs=4, sweep_weeks=4)
    sw = run_all.bench_sweeps(setting, tmp_path)
    assert sw["order"] == "local, dask, dask, local"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask-1", "dask-2", "local-0", "local-3", "warm-up"]
    assert sw["after_warm_up"]
    for key in ("local", "dask"):
        assert len(sw[f"{key}_efficiencies"]) == 2
        assert sw[f"{key}_efficiency"] == pytest.approx(statistics.fmean(sw[f"{key}_efficiencies"]))
        assert sw[f"{key}_seconds"] > 0 and 0 < sw[f"{key}_busy"] <= 1
        assert sw[f"{key}_startup_seconds"] >= 0 and 0 < sw[f"{key}_with_startup"] <= sw[f"{key}_efficiency"]
    rows = run_all._sweep_rows(sw)
    assert all("start-up" in row[1] and "with it" in row[1] for row in rows[:2])


def test_a_failed_benchmark_sweep_says_why(tmp_path):
    def broken(params, seed, weeks=None):
        raise RuntimeError("no such kernel")

    spec = run_all.sweep_spec(2, 4)
    with pytest.raises(SystemExit, match="2 runs failed in x; the first: .*no such kernel"):
        run_all.sweep_seconds(spec, tmp_path / "x", workers=1, run_fn=broken)


def test_side_by_side_is_a_share_of_one_run_alone():
    share = run_all.side_by_side(make_small(), 1, repeats=1)
    assert 0 < share < 2


def test_write_docs_replaces_only_the_marked_blocks(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(
        "intro\n<!-- begin table -->\nold\n<!-- end table -->\nmiddle\n<!-- begin phases -->\nold\n"
        "<!-- end phases -->\n<!-- begin scaling -->\nold\n<!-- end scaling -->\nend\n"
    )
    run_all.write_docs(results(), doc)
    text = doc.read_text()
    assert "old" not in text and text.startswith("intro\n") and text.endswith("end\n") and "middle" in text
    assert "| 7 reproduction: sim reproduce" in text and "20.0 min" in text
    assert "quick setting" in text, "a quick run says so"
    assert "| enforce | 300 | 38% |" in text
    assert "slope of time against scale: **0.65**" in text
    run_all.write_docs(results(quick=False), doc)  # writing again replaces, never duplicates
    assert doc.read_text().count("<!-- begin table -->") == 1 and "full setting" in doc.read_text()


def test_write_docs_names_missing_markers(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("no markers here\n")
    with pytest.raises(ValueError, match="begin table"):
        run_all.write_docs(results(), doc)
    assert doc.read_text() == "no markers here\n", "a failed write leaves the file as it was"


def test_the_docs_have_every_marker():
    text = run_all.DOCS.read_text()
    for name in ("table", "phases", "scaling"):
        assert f"<!-- begin {name} -->" in text and f"<!-- end {name} -->" in text


def test_only_updates_the_named_benchmarks_and_says_when(tmp_path):
    stored = tmp_path / "benchmarks.json"
    stored.write_text(json.dumps(results(quick=False)))
    new = {"setting": {"quick": False}, "machine_before": {"date": "2026-02-02 10:00:00"},
           "reproduce": {"available": True, "seconds": 600.0, "matches_published": True}}  # fmt: skip
    merged = run_all.merge(stored, new, ("reproduce",))
    assert merged["reproduce"]["seconds"] == 600.0 and merged["latency"] == results()["latency"]
    assert merged["remeasured"] == {"reproduce": "2026-02-02 10:00:00"}
    with pytest.raises(SystemExit, match="another setting"):
        run_all.merge(stored, {**new, "setting": {"quick": True}}, ("reproduce",))
    with pytest.raises(SystemExit, match="does not exist"):
        run_all.merge(tmp_path / "none.json", new, ("reproduce",))


def test_only_names_are_checked():
    assert run_all._names("reproduce, latency") == ("reproduce", "latency")
    with pytest.raises(argparse.ArgumentTypeError, match="unknown benchmark"):
        run_all._names("latency,speed")


def test_paired_times_alternate_after_one_warm_up_each():
    from bench_model import paired

    calls = []
    first, second = paired(lambda: calls.append("a"), lambda: calls.append("b"), 3)
    assert calls == ["a", "b"] * 4  # a warm-up of each, then three timed pairs in alternation
    assert len(first) == len(second) == 3 and all(t >= 0 for t in first + second)


def test_worker_growth_tells_a_leak_from_a_step():
    """A leak raises a worker's peak all through the sweep; a one-off step only early on."""
    n = 400
    leak = pd.DataFrame(
        {"worker_pid": 1.0, "finished": np.arange(n), "worker_peak_rss_mb": 100 + 0.01 * np.arange(n)}
    )
    step = leak.assign(worker_pid=2.0, worker_peak_rss_mb=np.where(np.arange(n) < 100, 100.0, 101.5))
    peak, growth, late = run_all.worker_growth(leak)
    assert peak == pytest.approx(103.99) and growth == pytest.approx(0.01) and late == pytest.approx(0.01)
    peak, growth, late = run_all.worker_growth(step)
    assert peak == 101.5 and growth == pytest.approx(1.5 / (n - 11)) and late == 0.0
    _, growth, late = run_all.worker_growth(pd.concat([leak, step]))  # the largest of the workers'
    assert growth == pytest.approx(0.01) and late == pytest.approx(0.01)
