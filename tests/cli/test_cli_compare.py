"""``sim compare`` end to end: the five presets' table and figure, and one-line errors for bad input."""

from pathlib import Path

import pandas as pd

from sim.analysis.compare import PRESETS
from sim.cli import main


def sim_compare(capsys, *args):
    """Run ``sim compare ARGS`` in-process: ``(exit status, stdout, stderr)``."""
    status = main(["compare", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_compare_runs_the_five_presets_and_writes_table_and_figure(capsys, tmp_path: Path) -> None:
    status, out, _ = sim_compare(capsys, "--seeds", "2", "--weeks", "3", "--out", str(tmp_path / "c"))
    assert status == 0
    assert PRESETS == ("none", "reactive", "preventative", "mixed", "transition")
    table = pd.read_csv(tmp_path / "c" / "strategies.csv", index_col=0)
    assert list(table.index) == list(PRESETS)
    assert (tmp_path / "c" / "strategies.png").stat().st_size > 1000
    assert "10 runs in" in out and all(p in out for p in PRESETS)


def test_bad_input_ends_with_one_line_before_any_run(capsys, tmp_path: Path) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("keep me", encoding="utf-8")
    cases = [
        (["--seeds", "0"], "--seeds 0: must be at least 1"),
        (["--weeks", "0"], "--weeks 0: must be at least 1"),
        (["--out", str(a_file)], "is a file"),
        (["--out", str(a_file / "sub")], "cannot create the folder"),
    ]
    for args, words in cases:
        status, out, err = sim_compare(capsys, "--seeds", "1", *args)
        assert status == 2, (args, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sim compare: error: --"), err
        assert words in lines[0] and "runs in" not in out
    assert a_file.read_text(encoding="utf-8") == "keep me"
