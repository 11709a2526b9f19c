"""Liveness: every parameter in ``Params.specs()`` changes the output of a short run (STYLE.md point 14).

For each parameter, a small-world run at a perturbed value is compared with the same run at the
context's value (same seed), through the per-run summary of :func:`sim.observe.summarize`. The
perturbation is halfway to the middle of the range for shares and rates (a small step of a small rate
moves few of the draws compared with it), ``value * 1.5`` clipped to the declared range otherwise and
another choice for strings, unless :data:`PERTURB` says otherwise. A parameter that only matters under
some strategy or setting is tested there (:data:`CONTEXT`); one that cannot matter at all would go in
:data:`INERT` with the reason.
"""

import functools

import numpy as np
import pytest

from sim import Params, run
from sim.observe import summarize

SEED = 1

#: Settings (dotted path -> overrides) under which a parameter has something to act on.
PREVENTATIVE = {"strategy": "preventative"}
TRANSITION = {"strategy": "transition", "transition_week": 15, "transition_ramp_weeks": 20}
#: Rare events made common, so that the parameters acting on them have draws to act on.
RELOCATING = {"adaptation.relocation_threshold": 0.1, "adaptation.relocation_prob": 0.3}
#: Running costs close to revenue: at the defaults networks always pay their way, so the insolvency
#: mechanisms have nothing to act on.
STRAPPED = {"crime.cost_per_worker_usd": 2000.0}
#: Facilitators arrested (a sole holder of a skill first) while raids take websites down.
BROKERS = {"targeting": "broker"}
FACILITATOR_MECHANISMS = (
    "crime.no_it_rebuild", "crime.no_it_revenue", "laundering.no_launderer_capacity",
    "adaptation.facilitator_replace_rate",
)  # fmt: skip
SUCCESSIONS = {"police.boss_insulation": 0.0}  # more boss arrests (kingpin targeting under reactive)
#: Custom shares must add up to 1, so a share is raised by taking the same share from training, with a
#: training lag longer than the run: effort moved out of training changes nothing within it, and any
#: change is the raised share's. Training's own share is raised against investigation's.
SHARES = [s.path for s in Params.specs() if s.path.startswith("custom.")]
CUSTOM = {"strategy": "custom", **dict.fromkeys(SHARES, 1 / len(SHARES)), "police.training_lag_weeks": 260}
COMPANION = {path: "custom.training" for path in SHARES} | {"custom.training": "custom.investigation"}
CONTEXT: dict[str, dict] = {
    "prevention_share": {"strategy": "mixed"},
    "transition_week": TRANSITION,
    "transition_ramp_weeks": TRANSITION,
    "crime.foreign_victim_share": PREVENTATIVE,  # drives the partner's attention (cooperation)
    "police.training_lag_weeks": PREVENTATIVE,
    "police.training_cost": PREVENTATIVE,
    "police.tracing_cost": PREVENTATIVE,
    "police.disruption_cost": PREVENTATIVE,
    "police.cooperation_cost": PREVENTATIVE,
    "police.cold_trace_factor": PREVENTATIVE,
    "police.awareness_gain": PREVENTATIVE,
    "police.ad_takedown_weeks": PREVENTATIVE,
    "recruitment.awareness_decay": PREVENTATIVE,  # awareness comes from recruitment disruption
    "adaptation.market_networks": {"adaptation.entry_rate": 1.0},  # entry is rare in eight networks
    "recruitment.pool_replenish": {"recruitment.pool_size": 2e4},  # a large pool barely depletes
    "adaptation.relocation_threshold": {"adaptation.relocation_prob": 0.3},
    "laundering.insolvency_weeks": STRAPPED,
    "recruitment.unpaid_exit_rate": STRAPPED,
    **dict.fromkeys(
        ("adaptation.abroad_prob", "adaptation.relocation_weeks", "adaptation.relocation_loss"), RELOCATING
    ),
    **dict.fromkeys(
        ("adaptation.split_prob", "adaptation.dissolve_prob", "adaptation.succession_weeks"), SUCCESSIONS
    ),
    **{s.path: PREVENTATIVE for s in Params.specs() if s.path.startswith("partner.")},
    **dict.fromkeys(FACILITATOR_MECHANISMS, BROKERS),
    **dict.fromkeys(SHARES, CUSTOM),
    "custom.training": {**CUSTOM, "police.training_lag_weeks": 1},
}

#: Perturbed values where the default step would not reach the mechanism.
PERTURB: dict[str, object] = {
    "strategy": "preventative",
    "targeting": "broker",  # auto is kingpin under reactive
    "police.officers": 30,  # officers only cap the skilled staff (60 by default)
    # thresholds of rare draws: a step must move some of the few draws compared with them
    "world.abroad_share": 0.9,  # eight networks
    "adaptation.relocation_threshold": 0.3,  # perceived risk seldom reaches the default
    "adaptation.entry_rate": 1.0,  # entry is rare in eight networks
    "adaptation.market_networks": 10.0,
    "adaptation.split_prob": 0.9,
    "adaptation.dissolve_prob": 0.9,
    "adaptation.collapse_prob": 1.0,  # collapse needs a raid on a weakened network
    # the partner's reveals are a Poisson draw of a small mean: sharing x trust x attention x foreign share
    "crime.foreign_victim_share": 0.0,
    "partner.sharing_rate": 5.0,
    "partner.attention": 5.0,
    # a large pool barely depletes, whatever its size; a small one does
    "recruitment.pool_size": 2e4,
    # replacements cost little next to a website's or a company's weekly proceeds: only a price at the
    # top of the range makes them unaffordable
    "crime.website_cost_usd": 1e6,
    "laundering.shell_cost_usd": 1e8,
}

#: Parameters that may leave the output unchanged, with the reason. Empty: every parameter is live.
INERT: dict[str, str] = {}

SPECS = [s for s in Params.specs() if s.path not in INERT]


def perturbed(spec, current):
    """A different valid value for ``spec``, near ``current``."""
    if spec.path in PERTURB:
        return PERTURB[spec.path]
    if spec.choices:
        return next(c for c in spec.choices if c != current)
    middle = (spec.low + spec.high) / 2
    if spec.high <= 1 and current != middle:  # a share, probability or rate: halfway to the middle
        value = (current + middle) / 2
    else:
        value = current * 1.5 if current else (spec.low + min(spec.high, 1.0)) / 2
    value = min(max(value, spec.low), spec.high)
    if spec.type is int:
        value = int(round(value))
    if value == current:  # at the top of the range: go down instead
        value = current - 1 if spec.type is int else current * 0.5
    return value


@functools.cache
def summary(overrides: tuple) -> dict[str, float]:
    params = Params().with_overrides(
        {"world.n_networks": 8, "burn_in_weeks": 10, "weeks": 60, **dict(overrides)}
    )
    return summarize(run(params, SEED))


#: Summary entries that restate parameters instead of measuring the model (the number of weeks, the
#: prevention share the strategy schedules): a change in them alone does not show a parameter acts.
RESTATED = ("weeks", "prevention_share_final", "prevention_share_mean")


def changed(a: dict[str, float], b: dict[str, float]) -> list[str]:
    """Summary entries measured in the model (not :data:`RESTATED`) that differ beyond rounding."""
    return [
        k
        for k in a
        if k not in RESTATED and not np.isclose(a[k], b.get(k, np.nan), rtol=1e-9, atol=0.0, equal_nan=True)
    ]


@pytest.mark.parametrize("spec", SPECS, ids=[s.path for s in SPECS])
def test_parameter_changes_the_output(spec):
    context = CONTEXT.get(spec.path, {})
    current = Params().with_overrides(context).get(spec.path)
    value = perturbed(spec, current)
    change = {spec.path: value}
    if spec.path in COMPANION:  # keep the custom shares' sum at 1
        value = change[spec.path] = 2 * current
        change[COMPANION[spec.path]] = 0.0
    assert value != current
    base = summary(tuple(sorted(context.items())))
    other = summary(tuple(sorted({**context, **change}.items())))
    assert changed(base, other), f"{spec.path}: {current!r} -> {value!r} changes nothing (context {context})"


def test_the_lists_name_real_parameters():
    paths = {s.path for s in Params.specs()}
    tables = {"CONTEXT": CONTEXT, "PERTURB": PERTURB, "INERT": INERT, "COMPANION": COMPANION}
    for name, table in tables.items():
        stale = (set(table) | (set(table.values()) if name == "COMPANION" else set())) - paths
        assert not stale, f"{name} names parameters that no longer exist: {sorted(stale)}"
    assert all(reason.strip() for reason in INERT.values())


def test_the_comparison_sees_no_change_in_a_repeated_run():
    """A parameter is only called live if the same settings give the same summary."""
    assert changed(summary(()), summary.__wrapped__(())) == []
