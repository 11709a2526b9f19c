"""The policy explorer's logic (sim.explorer), which policy_explorer.ipynb calls.

Runs use a small world and an inline executor so the tests are quick and need no process pool, except the
widget test, which drives the real widget box as the notebook does.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from sim import Params, explorer
from sim.sweep.executors import InlineExecutor

SMALL = {"world.n_networks": 8, "burn_in_weeks": 10}
WEEKS = 20
SCREENSHOTS = os.environ.get("SIM_SCREENSHOTS")  # a folder for explorer.png, e.g. docs/screenshots


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    explorer.clear_cache()
    yield
    explorer.clear_cache()


def explore(settings: dict[str, Any], seeds: int = 2) -> explorer.ExplorerResult:
    return explorer.explore({**SMALL, **settings}, seeds=seeds, weeks=WEEKS, executor=InlineExecutor())


def test_controls_take_range_and_default_from_params() -> None:
    paths = [c.path for c in explorer.CONTROLS]
    assert len(paths) == len(set(paths))
    for control in explorer.CONTROLS:
        assert control.spec == Params.spec(control.path)
        assert control.kind in ("choice", "slider", "number")
    kinds = {c.path: c.kind for c in explorer.CONTROLS}
    assert kinds["strategy"] == kinds["targeting"] == "choice"
    assert kinds["prevention_share"] == kinds["police.leak_prob"] == "slider"
    assert kinds["effort"] == kinds["police.attrition_rate"] == "number"  # too wide for a slider
    assert explorer.default_settings() == {c.path: Params.spec(c.path).default for c in explorer.CONTROLS}


def test_widgets_follow_the_specs() -> None:
    pytest.importorskip("ipywidgets")
    for control in explorer.CONTROLS:
        widget, spec = explorer.make_widget(control), control.spec
        assert widget.value == spec.default and widget.description == control.label
        if control.kind == "slider":
            assert (widget.min, widget.max) == (spec.low, spec.high)
        if control.kind == "choice":
            assert tuple(widget.options) == spec.choices


def test_baseline_keeps_policy_defaults_and_shares_uncertainties() -> None:
    custom = {"custom.raid": 0.5, "custom.arrest": 0.0}
    settings = {"strategy": "custom", "effort": 300.0, "police.leak_prob": 0.5, **custom, **SMALL}
    base = explorer.baseline_params(settings)
    assert base.strategy == "reactive" and base.effort == Params().effort and base.custom == Params().custom
    assert base.police.leak_prob == 0.5 and base.world.n_networks == 8


def test_explore_pairs_policy_and_baseline_over_the_same_seeds() -> None:
    result = explore({"strategy": "preventative"})
    assert result.params.strategy == "preventative" and result.weeks == WEEKS and len(result.seeds) == 2
    for frame in (result.policy, result.baseline):
        assert sorted(frame["seed"].unique()) == sorted(result.seeds) and len(frame) == 2 * WEEKS
    harm = result.totals["harm_usd"]
    assert result.harm_avoided_usd.to_dict() == (harm.loc["reactive baseline"] - harm.loc["policy"]).to_dict()
    numbers = result.numbers()
    assert list(numbers.columns) == ["policy", "reactive baseline", "change"]
    assert list(numbers.index) == [label for label, _ in explorer.REPORTED.values()]
    assert result.runs_computed == 4


def test_the_baseline_is_cached_until_an_uncertainty_changes() -> None:
    explore({"strategy": "preventative"})
    assert explore({"strategy": "mixed", "prevention_share": 0.3}).runs_computed == 2
    assert explore({"strategy": "mixed", "prevention_share": 0.3}).runs_computed == 0
    assert explore({"strategy": "mixed", "police.leak_prob": 0.6}).runs_computed == 4


def test_the_reactive_default_avoids_no_harm() -> None:
    result = explore({})
    assert result.runs_computed == 2  # the policy is the baseline itself
    assert (result.harm_avoided_usd == 0).all()


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"effort": -1}, ValueError, "effort: -1.0 is outside the valid range"),
        ({"strategy": "aggressive"}, ValueError, "strategy: 'aggressive' is not one of"),
        ({"police.atrition_rate": 0.1}, ValueError, "police.atrition_rate: no such parameter"),
        ({"transition_week": "soon"}, TypeError, "transition_week: expected a number"),
        ({"strategy": "custom", "custom.raid": 0.5}, ValueError, "custom: the shares of a custom strategy"),
    ],
)
def test_invalid_settings_fail_with_the_message(settings: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        explore(settings)


def test_draw_and_render() -> None:
    result = explore({"strategy": "transition", "transition_week": 5})
    fig = Figure()
    explorer.draw(result, fig)
    assert len(fig.axes) == 3
    assert "transition_week = 5" in fig.texts[0].get_text()
    explorer.draw(result, fig, numbers=False)  # the widget's figure: the table is shown as HTML instead
    assert len(fig.axes) == 2 and not fig.axes[1].tables
    assert explorer.render_png(result).startswith(b"\x89PNG")
    svg = explorer.render_svg(result, numbers=False)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg


def _widgets(box: Any) -> dict[str, Any]:
    """Every control of an explorer box by its label."""
    groups = box.children[0].children
    return {w.description: w for group in groups for w in group.children if getattr(w, "description", "")}


def test_widget_box_reruns_and_reports_invalid_values() -> None:
    pytest.importorskip("ipywidgets")
    try:
        box = explorer.build_explorer(seeds=1, weeks=4)
        controls, (note, status, error, image, numbers) = _widgets(box), box.children[1:]
        assert "Reduced setting for speed" in note.value and "seeds per update: 1" in note.value
        assert (
            image.format == "svg+xml" and b"<svg" in bytes(image.value) and "victim losses" in numbers.value
        )
        controls["budget, officer-weeks/week"].value = -5.0
        assert "effort: -5.0 is outside the valid range" in error.value
        assert "last valid setting" in status.value
        first = image.value
        controls["budget, officer-weeks/week"].value = 200.0
        controls["strategy"].value = "preventative"
        assert error.value == "" and "updated in" in status.value and image.value != first
    finally:
        explorer.shutdown()


def test_figure_is_saved_as_an_artefact(tmp_path: Path) -> None:
    """The explorer's figure as a PNG; with ``SIM_SCREENSHOTS``, the full ten-year setting, copied there."""
    policy = {"strategy": "transition", "transition_week": 104 if SCREENSHOTS else 5}
    try:
        result = explorer.explore(policy) if SCREENSHOTS else explore(policy)
    finally:
        explorer.shutdown()
    path = tmp_path / "explorer.png"
    path.write_bytes(explorer.render_png(result))
    assert path.stat().st_size > 10_000
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        (Path(SCREENSHOTS) / "explorer.png").write_bytes(path.read_bytes())
