"""The analysts' notebooks run top to bottom, headless, in a kernel of this very interpreter.

Each is executed with nbclient and ``SIM_FAST=1`` (fewer weeks and seeds, the same code), from the
``notebooks/`` folder as a fresh checkout would. The notebooks are stored without outputs and define no
model code.
"""

import importlib.util
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (dev extra)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (dev extra)")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("quickstart", "policy_explorer", "reproduce_figures")
TIME_LIMIT = 90.0  # seconds per notebook under SIM_FAST (about 30 s on a quiet 2-core machine)
MODEL_CODE = re.compile(r"^\s*(class\s|import mesa|from mesa\b)|ScamEnforcementModel|\.step\(\)", re.M)


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def execute(nb: nbformat.NotebookNode) -> float:
    """Run every cell in a fresh ``python3`` kernel started from ``notebooks/``; return the seconds taken."""
    start = time.perf_counter()
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    return time.perf_counter() - start


def outputs(nb: nbformat.NotebookNode) -> str:
    """All text the notebook showed: streams, plain text, Markdown and HTML."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.extend(str(data.get(kind, "")) for kind in ("text/plain", "text/markdown", "text/html"))
    return "\n".join(parts)


def widget_values(nb: nbformat.NotebookNode) -> str:
    """The values of every widget the run left (nbclient stores their state in the notebook's metadata)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return "\n".join(str(model["state"].get("value", "")) for model in state.get("state", {}).values())


def images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name: str) -> None:
    for cell in read(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: a cell keeps its output"


@pytest.mark.parametrize("name", NAMES)
def test_defines_no_model_code(name: str) -> None:
    for cell in read(name).cells:
        if cell.cell_type == "code":
            assert not MODEL_CODE.search(cell.source), f"{name}: model code in a cell:\n{cell.source}"


def test_kernel_is_this_interpreter() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)\nprint(sys.prefix)"))
    execute(nb)
    executable, prefix = nb.cells[0].outputs[0]["text"].split()
    assert Path(prefix) == Path(sys.prefix), f"the kernel runs {executable}, not this environment's Python"
    assert Path(executable).resolve() == Path(sys.executable).resolve()


def test_dashboard_renders_inline() -> None:
    """``dashboard()`` as the last line of a cell shows the SolaraViz app as a widget, without errors."""
    pytest.importorskip("solara", reason="the viz extra (mesa[viz], solara) is not installed")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("from sim.app import dashboard\ndashboard()"))
    execute(nb)
    kinds = [kind for out in nb.cells[0].outputs for kind in out.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels inherit the environment: the notebooks read SIM_FAST."""
    monkeypatch.setenv("SIM_FAST", "1")


def test_quickstart(fast: None) -> None:
    nb = read("quickstart")
    seconds = execute(nb)
    text = outputs(nb)
    assert "rejected: police.atrition_rate: no such parameter" in text
    assert "quickstart: complete; 8/8 runs recorded, 0 failed" in text
    assert images(nb) >= 2
    assert seconds < TIME_LIMIT, f"quickstart took {seconds:.0f} s"


def test_policy_explorer(fast: None) -> None:
    nb = read("policy_explorer")
    seconds = execute(nb)
    text = outputs(nb)
    assert "application/vnd.jupyter.widget-view+json" in nb.cells[2].outputs[0]["data"], "no widget box shown"
    shown = widget_values(nb)
    assert "Reduced setting for speed" in shown and "harm avoided" in shown and "Invalid" not in shown
    assert "rejected: effort: -10.0 is outside the valid range" in text
    assert "websites suspended" in text and images(nb) >= 1
    assert seconds < TIME_LIMIT, f"policy_explorer took {seconds:.0f} s"


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty results folder that the notebook reads instead of the project's."""
    monkeypatch.setenv("SIM_RESULTS", str(tmp_path))
    return tmp_path


def test_reproduce_figures_without_results(fast: None, results: Path) -> None:
    nb = read("reproduce_figures")
    execute(nb)
    text = outputs(nb)
    assert "No published figures yet" in text and "`sim reproduce`" in text


def _fake_results(folder: Path) -> None:
    """The layout of ``sim reproduce``: a figure reproduced and matching, one reproduced and differing, one
    published only, and numbers without a figure."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.subplots().plot([0, 1, 2], [3, 1, 2])
    table = "strategy,metric,value\nreactive,harm_usd_bn,51.8\npreventative,harm_usd_bn,42.8\n"
    files = {
        "published/summary/strategy_comparison.csv": table, "summary/strategy_comparison.csv": table,
        "published/summary/targeting.csv": "targeting,value\nkingpin,49.0\n",
        "summary/targeting.csv": "targeting,value\nkingpin,50.0\n",
        "published/summary/cooperation.csv": table, "summary/calibration.csv": table,
    }  # fmt: skip
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    for name in ("strategy_comparison", "targeting", "cooperation"):
        for sub in ("published/figures", "figures"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
            if name != "cooperation" or sub.startswith("published"):
                fig.savefig(folder / sub / f"{name}.png")


def test_reproduce_figures_with_results(fast: None, results: Path) -> None:
    _fake_results(results)
    nb = read("reproduce_figures")
    execute(nb)
    text = outputs(nb)
    assert images(nb) == 3 and "`sim reproduce`" in text
    if importlib.util.find_spec("sim.analysis.check"):  # the comparison of `sim reproduce --check`
        assert text.count("**match**") == 1 and text.count("**differ**") == 1
    assert "not reproduced on this machine yet" in text  # cooperation: published only
    assert "`calibration` (numbers without a figure)" in text
