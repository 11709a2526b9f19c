"""The dashboard's model, controls and panels without a browser (sim.app)."""

from typing import Any

import pytest

pytest.importorskip("solara", reason="the viz extra (mesa[viz], solara) is not installed")

from mesa.visualization import Slider  # noqa: E402

from sim import Params, app  # noqa: E402
from sim.explorer import CONTROLS  # noqa: E402

SMALL = {"world__n_networks": 8, "burn_in_weeks": 10}


def model(**settings: Any) -> app.DashboardModel:
    return app.DashboardModel(**{**SMALL, **settings})


def test_flat_keywords_become_params() -> None:
    typed = {"strategy": "mixed", "police__attrition_rate": "0.01", "effort": "200"}
    expected = {"strategy": "mixed", "police.attrition_rate": 0.01, "effort": 200.0}
    assert app.params_from_settings(typed) == Params().with_overrides(expected)
    with pytest.raises(ValueError, match="police.atrition_rate: no such parameter"):
        app.params_from_settings({"police__atrition_rate": 0.1})
    with pytest.raises(ValueError, match="effort: expected a number"):
        app.params_from_settings({"effort": "lots"})


def test_controls_come_from_the_explorer_and_params() -> None:
    params = app.model_params()
    assert list(params) == ["seed", *(app.kwarg_name(c.path) for c in CONTROLS)]
    for control in CONTROLS:
        entry, spec = params[app.kwarg_name(control.path)], control.spec
        if isinstance(entry, Slider):
            assert (entry.value, entry.min, entry.max) == (spec.default, spec.low, spec.high)
        elif entry["type"] == "Select":
            assert entry["value"] == spec.default and tuple(entry["values"]) == spec.choices
        else:
            assert entry["type"] == "InputText" and float(entry["value"]) == spec.default


def test_model_starts_after_burn_in_and_records_each_week() -> None:
    m = model(seed="3", strategy="preventative")
    assert (m.week, m.time, m.param_error) == (0, 0.0, None)
    assert m.params.strategy == "preventative"
    for week in (1, 2, 3):
        m.step()
        assert m.week == week and m.time == week
    frame = app.weekly_frame(m)
    assert frame["week"].tolist() == [0, 1, 2, 3]
    assert (frame["networks_home"] + frame["networks_abroad"] == frame["active_networks"]).all()


def test_model_stops_at_the_horizon() -> None:
    m = model(weeks=2)
    m.step()
    assert m.running
    m.step()
    assert not m.running


def test_invalid_settings_run_the_defaults_and_keep_the_message() -> None:
    m = app.DashboardModel(effort="-5", burn_in_weeks=10)
    assert m.param_error.startswith("effort: -5.0 is outside the valid range")
    assert m.params == Params()
    assert "seed: expected a whole number" in app.DashboardModel(seed="x", **SMALL).param_error


def test_panels_read_the_model() -> None:
    m = model(strategy="reactive", targeting="kingpin")
    for _ in range(30):
        m.step()
    frame = app.weekly_frame(m)
    assert sum(m.boss_arrests.values()) == frame["arrests_bosses"].sum()
    numbers = app.counters(m)
    assert numbers["week"] == "30 of 520" and numbers["strategy"] == "reactive (targeting kingpin)"
    table = app.network_table(m)
    assert len(table) == frame["active_networks"].iloc[-1]
    assert table["workers"].sum() == frame["workers"].iloc[-1]
    zones = app.zone_summary(table)
    assert zones["networks"].sum() == len(table) and zones["workers"].sum() == table["workers"].sum()
    view = app.network_figure(table, m.params.world.n_home_zones)
    assert len(view.axes) == 2  # the networks and their colour bar
    for plot in app.PLOTS:
        assert app.plot_figure(plot, frame).axes[0].get_title() == plot.title


def test_serve_binds_to_localhost_by_default() -> None:
    command = app.serve_command()
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8765"
    assert "sim.app" in command
