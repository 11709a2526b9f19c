"""docs/parameters.md is generated from sim.params and must stay in sync; every parameter is documented.

If the first test fails after a parameter changed, run ``python scripts/gen_parameters.py`` (``make docs``).
"""

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from sim.params import Params

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_parameters.py"
DOC = ROOT / "docs" / "parameters.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """The generator script, imported as a module (``scripts/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_parameters", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_doc_is_what_the_generator_writes(gen: ModuleType) -> None:
    assert DOC.exists(), "docs/parameters.md is missing: run python scripts/gen_parameters.py"
    assert DOC.read_text(encoding="utf-8") == gen.render(), (
        "docs/parameters.md is out of date: run python scripts/gen_parameters.py"
    )


@pytest.mark.parametrize("hash_seed", ["0", "12345"])
def test_generator_does_not_depend_on_hash_order(gen: ModuleType, hash_seed: str) -> None:
    """The same text in a process with another string-hash seed (set iteration order changes with it)."""
    import os
    import subprocess
    import sys

    code = f"import runpy; print(runpy.run_path({str(SCRIPT)!r})['render'](), end='')"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    other = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    assert other.stdout == gen.render()


@pytest.mark.parametrize("spec", list(Params.specs()), ids=lambda s: s.path)
def test_every_parameter_is_documented(spec, gen: ModuleType) -> None:  # type: ignore[no-untyped-def]
    assert spec.unit.strip(), f"{spec.path}: empty unit"
    assert spec.doc.strip(), f"{spec.path}: empty description"
    assert spec.source in gen.SOURCES, f"{spec.path}: source {spec.source!r} missing from SOURCES"
    assert gen.SOURCES[spec.source].strip()


def test_every_parameter_and_used_source_appears_in_the_doc(gen: ModuleType) -> None:
    text = gen.render()
    for spec in Params.specs():
        assert f"| `{spec.path}` |" in text, spec.path
        assert f'<a id="{gen.anchor(spec.source)}"></a>' in text, spec.source


def test_source_anchors_are_unique(gen: ModuleType) -> None:
    anchors = [gen.anchor(key) for key in gen.SOURCES]
    assert len(anchors) == len(set(anchors))


def _with_spec(monkeypatch: pytest.MonkeyPatch, **changes: str) -> None:
    """Make ``Params.specs()`` report ``crime.risk_k`` with ``changes`` applied."""
    real = list(Params.specs())
    fake = [dataclasses.replace(s, **changes) if s.path == "crime.risk_k" else s for s in real]
    monkeypatch.setattr(Params, "specs", classmethod(lambda cls: iter(fake)))


def test_unknown_source_fails_naming_the_parameter(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _with_spec(monkeypatch, source="Nobody 1999")
    with pytest.raises(gen.UndocumentedParameter, match=r"crime\.risk_k.*Nobody 1999"):
        gen.render()
    out = tmp_path / "parameters.md"
    assert gen.main(["--out", str(out)]) == 2
    assert "crime.risk_k" in capsys.readouterr().err
    assert not out.exists(), "nothing is written when a parameter is undocumented"


@pytest.mark.parametrize("field", ["unit", "doc"])
def test_empty_unit_or_doc_fails(gen: ModuleType, monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    _with_spec(monkeypatch, **{field: " "})
    with pytest.raises(gen.UndocumentedParameter, match=r"crime\.risk_k"):
        gen.render()


def test_check_mode(gen: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "parameters.md"
    assert gen.main(["--check", "--out", str(out)]) == 1, "a missing file is out of date"
    assert gen.main(["--out", str(out)]) == 0
    assert gen.main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert gen.main(["--check", "--out", str(out)]) == 1


def test_number_format_is_exact(gen: ModuleType) -> None:
    for value in (2400.0, 0.0033, 1e6, 1.2e6, 1e-5, 0.123456789, 50_000.0, 3, 0.999):
        text = gen.fmt_number(value)
        assert float(text) == value, (value, text)
    assert gen.fmt_number(1e6) == "1e6"
    assert gen.fmt_number(104) == "104"


# -- docs/ODD.md refers to parameters by dotted path: keep it in step with sim.params ----------------

ODD = ROOT / "docs" / "ODD.md"
#: Every parameter group (``world``, ``crime``, ..., ``custom``), read from ``Params``: a new group is
#: checked too.
GROUPS = tuple(s.path.split(".")[0] for s in Params.specs() if "." in s.path)
GROUPS = tuple(dict.fromkeys(GROUPS))


def test_every_parameter_is_described_in_the_odd() -> None:
    text = ODD.read_text(encoding="utf-8")
    missing = [s.path for s in Params.specs() if not re.search(rf"(?<![\w.]){re.escape(s.path)}(?!\w)", text)]
    assert not missing, f"parameters not described in docs/ODD.md: {missing}"


def test_odd_names_only_existing_parameters() -> None:
    import sim.world

    text = ODD.read_text(encoding="utf-8")
    paths = {s.path for s in Params.specs()}
    tokens = set(re.findall(rf"(?<![\w.])((?:{'|'.join(GROUPS)})\.\w+)(?![\w(])", text))
    # ``world.x`` may also name a function of sim/world.py, and ``x.py`` is a file name
    functions = {t for t in tokens if t.startswith("world.") and hasattr(sim.world, t.removeprefix("world."))}
    module_names = functions | {t for t in tokens if t.endswith(".py")}
    unknown = sorted(tokens - paths - module_names)
    assert not unknown, f"docs/ODD.md names parameters that do not exist: {unknown}"


def test_odd_preset_table_matches_strategies() -> None:
    from sim import strategies

    text = ODD.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| ([\d.]+) \| ([\d.]+) \| `police\.(\w+)` \|", text, flags=re.M)
    table = {a: (float(r), float(p), cost) for a, r, p, cost in rows}
    assert set(table) == set(strategies.ACTIONS)
    for action, (reactive, preventative, cost) in table.items():
        assert reactive == strategies.REACTIVE.get(action, 0.0), action
        assert preventative == strategies.PREVENTATIVE.get(action, 0.0), action
        assert cost == f"{action}_cost", action


def test_odd_checks_every_parameter_group() -> None:
    """The name check above covers the ``custom`` shares and any group added later."""
    assert {"world", "police", "partner", "custom"} <= set(GROUPS)


def test_odd_appendix_a_names_existing_functions() -> None:
    """Appendix A locates each fixed constant by file and function (not by line): every file it names
    (Python, or a compiled kernel's Cython source) exists and every function, method or constant it names
    is defined in one of the files of its row."""
    text = ODD.read_text(encoding="utf-8")
    appendix = text[text.index("## Appendix A") : text.index("## References")]
    rows = [line for line in appendix.splitlines() if line.startswith("| `sim/")]
    assert len(rows) > 20, "Appendix A lost its table"
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        files = [ROOT / f for f in re.findall(r"`([\w/]+\.pyx?)`", cells[0])]
        assert files and all(f.exists() for f in files), row
        source = "\n".join(f.read_text(encoding="utf-8") for f in files)
        for name in re.findall(r"`([\w.]+)`", cells[1]):
            leaf = name.split(".")[-1]
            defined = rf"^\s*(def|class) {re.escape(leaf)}\b|^{re.escape(leaf)}\s*[:=]"
            assert re.search(defined, source, flags=re.M), f"Appendix A: {name} not found in {cells[0]}"


def test_every_calibrated_parameter_is_scanned_by_the_calibration_script() -> None:
    """A default labelled "calibrated" must be checkable: scripts/calibrate.py --search scans exactly
    those parameters, over grids that include their defaults."""
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "scripts" / "calibrate.py")
    assert spec is not None and spec.loader is not None
    calibrate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(calibrate)
    calibrated = {s.path for s in Params.specs() if s.source == "calibrated"}
    assert set(calibrate.SEARCH) == calibrated
    for path, (target, values) in calibrate.SEARCH.items():
        assert target in calibrate.TARGETS and Params().get(path) in values, path
