"""Patterns the default model must reproduce (DESIGN.md section 4), over replications.

Every comparison is paired over common seeds and, unless its test says otherwise, must hold with a
paired t statistic of at least ``T_MIN`` (one-sided, about the 97.5% level for these sample sizes), not
just on average. The exceptions are weak effects that are tested on means and documented with their t
statistics in docs/ODD.md section 1.2. The patterns come from the mechanisms: nothing in the model checks
which strategy is running.
"""

import numpy as np
import pytest

from sim import Params
from sim.model import ScamEnforcementModel
from tests.patterns.conftest import paired_t, totals, weekly

T_MIN = 2.0
SEEDS = range(8)
REACTIVE = {"strategy": "reactive"}
PREVENTATIVE = {"strategy": "preventative"}


def test_persistence_without_enforcement() -> None:
    """Without enforcement, recruitment replaces losses: harm, workers and networks are stationary."""
    for seed in range(4):
        frame = weekly((("strategy", "none"),), seed)
        first, last = frame.iloc[:52], frame.iloc[-52:]
        for col, tolerance in (("harm_usd", 0.15), ("workers", 0.15), ("active_networks", 0.2)):
            ratio = last[col].mean() / first[col].mean()
            assert abs(ratio - 1.0) < tolerance, f"seed {seed}: {col} drifted by {ratio - 1:+.0%}"
        assert frame["new_recruits"].iloc[-52:].sum() > 0.5 * frame["workers"].iloc[-1] * 0.01 * 52


def test_impressive_numbers_paradox() -> None:
    """Over ten years reactive makes more arrests than preventative but cuts harm less."""
    arrests_r, arrests_p = (
        totals(REACTIVE, SEEDS, "arrests_total"),
        totals(PREVENTATIVE, SEEDS, "arrests_total"),
    )
    harm_r, harm_p = totals(REACTIVE, SEEDS, "harm_usd"), totals(PREVENTATIVE, SEEDS, "harm_usd")
    assert paired_t(arrests_p, arrests_r) > T_MIN, (arrests_r.mean(), arrests_p.mean())
    assert paired_t(harm_p, harm_r) > T_MIN, (harm_r.mean(), harm_p.mean())


def test_mix_beats_both_pure_strategies() -> None:
    """The default mix (half the effort each way) cuts ten-year harm more than either pure preset."""
    harm_m = totals({"strategy": "mixed"}, SEEDS, "harm_usd")
    assert paired_t(harm_m, totals(REACTIVE, SEEDS, "harm_usd")) > T_MIN
    assert paired_t(harm_m, totals(PREVENTATIVE, SEEDS, "harm_usd")) > T_MIN


#: One-sided 95% level of the paired t for 30 seeds (29 degrees of freedom).
T_ONE_SIDED_95 = 1.7


@pytest.mark.parametrize(
    ("better", "worse", "t_min"),
    [("broker", "kingpin", T_MIN), ("broker", "random", T_MIN), ("kingpin", "random", T_ONE_SIDED_95)],
    ids=["broker>kingpin", "broker>random", "kingpin>random"],
)
def test_targeting_ranking(better: str, worse: str, t_min: float) -> None:
    """With the same (preventative) budget, targeting facilitators and brokers beats targeting kingpins,
    which beats random arrests, on ten-year harm, over seeds 0-29.

    Kingpin against random is the smallest gap (about 2 % of ten-year harm, against a seed-to-seed spread
    of the paired difference of about $3 bn; docs/ODD.md section 1.2): ten seeds cannot show it, thirty
    show it at the one-sided 95% level, which is what this pair asserts."""
    seeds = range(30)
    harm_better = totals({**PREVENTATIVE, "targeting": better}, seeds, "harm_usd")
    harm_worse = totals({**PREVENTATIVE, "targeting": worse}, seeds, "harm_usd")
    assert paired_t(harm_better, harm_worse) > t_min, (harm_better.mean(), harm_worse.mean())


def test_prevention_cuts_recruits_before_workers_and_arrests_cut_the_stock() -> None:
    """In the first half year prevention cuts new recruits (relative to no enforcement) more than it
    cuts the stock of workers; raids cut the stock within the first weeks."""
    seeds = range(6)
    none_key, prev_key, reac_key = (
        (("strategy", "none"),),
        (("strategy", "preventative"),),
        (("strategy", "reactive"),),
    )
    for seed in seeds:
        base, prev, reac = weekly(none_key, seed), weekly(prev_key, seed), weekly(reac_key, seed)
        half = slice(0, 26)
        recruits_ratio = prev["new_recruits"].iloc[half].sum() / base["new_recruits"].iloc[half].sum()
        workers_ratio = prev["workers"].iloc[half].mean() / base["workers"].iloc[half].mean()
        assert recruits_ratio < workers_ratio, (
            f"seed {seed}: recruits {recruits_ratio:.2f} workers {workers_ratio:.2f}"
        )
        assert reac["workers_detained"].iloc[:4].sum() > 0
        assert reac["workers"].iloc[3] < base["workers"].iloc[3]


def _gain(extra: dict[str, object], seeds: range) -> np.ndarray:
    """Per-seed harm avoided by preventative relative to reactive, under ``extra`` parameters."""
    return totals({**REACTIVE, **extra}, seeds, "harm_usd") - totals(
        {**PREVENTATIVE, **extra}, seeds, "harm_usd"
    )


def test_preventative_gains_depend_on_skilled_staff() -> None:
    """Prevention rests on skill: with fast attrition of skilled staff its ten-year harm rises
    clearly (paired t > T_MIN), and on average by a larger share than the reactive preset's, so its
    gain over reactive shrinks. The last two hold on means only: paired t 1.7 and 1.4 over these
    seeds (docs/ODD.md 1.2, "Where the evidence is weak")."""
    attrition = {"police.attrition_rate": 0.02}
    harm_p = totals(PREVENTATIVE, SEEDS, "harm_usd")
    harm_p_attr = totals({**PREVENTATIVE, **attrition}, SEEDS, "harm_usd")
    harm_r = totals(REACTIVE, SEEDS, "harm_usd")
    harm_r_attr = totals({**REACTIVE, **attrition}, SEEDS, "harm_usd")
    assert paired_t(harm_p, harm_p_attr) > T_MIN
    assert np.mean(harm_p_attr / harm_p) > np.mean(harm_r_attr / harm_r)
    assert np.mean(_gain(attrition, SEEDS)) < np.mean(_gain({}, SEEDS))


def test_preventative_gains_depend_on_partner_trust() -> None:
    """With a distrustful partner, prevention's advantage over reactive shrinks."""
    assert paired_t(_gain({"partner.trust_initial": 0.05}, SEEDS), _gain({}, SEEDS)) > T_MIN


def test_kingpin_removal_dip_then_recovery() -> None:
    """Arresting the bosses of the largest networks dips recruitment, which recovers within months
    through succession and continued recruitment (event study against the same seeds untouched)."""
    dips, recoveries = [], []
    for seed in range(6):
        control, struck = (
            _recruits_after_strike(seed, strike=False),
            _recruits_after_strike(seed, strike=True),
        )
        dips.append(struck[:4].sum() / control[:4].sum())
        recoveries.append(struck[26:52].sum() / control[26:52].sum())
    assert np.mean(dips) < 0.9 and max(dips) < 1.0, dips  # the first month: hiring stops during succession
    assert np.mean(recoveries) > 0.9, recoveries  # the second half year: back to within 10% of control


def _recruits_after_strike(seed: int, strike: bool, weeks: int = 52, largest: int = 10) -> np.ndarray:
    model = ScamEnforcementModel(Params(strategy="none"), seed)
    for _ in range(model.params.burn_in_weeks):
        model.step()
    if strike:
        nets = model.nets
        for i in np.argsort(-(nets.workers * nets.alive))[:largest]:
            network = model.network_at[int(i)]
            boss = network.boss()
            if network.active and boss is not None:
                model.arrest_member(network, boss)
    recruits = []
    for _ in range(weeks):
        model.step()
        recruits.append(model.events["new_recruits"])
    return np.array(recruits)
