"""``sim figures`` on folders without stored results: a one-line error, and nothing written."""

from pathlib import Path

from sim.cli import main


def test_figures_without_stored_results_say_so_and_write_nothing(capsys, tmp_path: Path) -> None:
    for args, words in (
        (["--out", str(tmp_path / "missing")], "no folder"),
        (["--out", str(tmp_path)], "no complete sweeps to draw from"),
        (["--out", str(tmp_path), "--quick"], f"no folder {tmp_path / 'quick'}"),
    ):
        assert main(["figures", *args]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sim figures: error:") and words in lines[0], lines
    assert list(tmp_path.iterdir()) == []
