"""Strategy presets: every preset spends the same budget; mixed blends; transition ramps; auto targeting."""

import dataclasses
from types import SimpleNamespace

import pytest

from sim import Params, strategies
from sim.strategies import ACTIONS, PREVENTATIVE, REACTIVE, allocation, prevention_share, targeting

WEEKS = (1, 50, 103, 104, 105, 130, 155, 156, 157, 520)
PRESETS = {
    "reactive": Params(strategy="reactive"),
    "preventative": Params(strategy="preventative"),
    "mixed": Params(strategy="mixed", prevention_share=0.3),
    "transition": Params(strategy="transition", transition_week=104),
    "custom": Params(strategy="custom").with_overrides(
        {"custom.arrest": 0.2, "custom.investigation": 0.2, "custom.raid": 0.3, "custom.tracing": 0.3}
    ),
}


def test_preset_shares_sum_to_one():
    assert sum(REACTIVE.values()) == pytest.approx(1.0)
    assert sum(PREVENTATIVE.values()) == pytest.approx(1.0)
    assert set(REACTIVE) | set(PREVENTATIVE) <= set(ACTIONS)


@pytest.mark.parametrize("week", WEEKS)
@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("effort", [160.0, 0.0, 1234.5])
def test_every_preset_spends_the_whole_budget(preset, week, effort):
    params = dataclasses.replace(PRESETS[preset], effort=effort)
    alloc = allocation(params, week)
    assert set(alloc) == set(ACTIONS)
    assert sum(alloc.values()) == pytest.approx(effort)
    assert all(v >= 0 for v in alloc.values())


@pytest.mark.parametrize("week", WEEKS)
def test_none_spends_nothing(week):
    alloc = allocation(Params(strategy="none", effort=500.0), week)
    assert set(alloc) == set(ACTIONS) and all(v == 0.0 for v in alloc.values())


def test_pure_presets_follow_their_shares():
    # the shares are calibrated data; the allocation is effort x share: e.g. raid = 100 x REACTIVE["raid"]
    r = allocation(Params(strategy="reactive", effort=100.0), 1)
    assert r == pytest.approx({a: 100.0 * REACTIVE.get(a, 0.0) for a in ACTIONS})
    p = allocation(Params(strategy="preventative", effort=100.0), 1)
    assert p == pytest.approx({a: 100.0 * PREVENTATIVE.get(a, 0.0) for a in ACTIONS})


def test_the_presets_differ_in_kind():
    """Reactive raids, takes websites down and revokes licences; preventative traces money, disrupts
    recruitment, trains and cooperates (DESIGN.md section 3)."""
    for action in ("raid", "website", "licence"):
        assert REACTIVE.get(action, 0) > 0 and PREVENTATIVE.get(action, 0) == 0, action
    for action in ("tracing", "disruption", "cooperation", "training"):
        assert PREVENTATIVE.get(action, 0) > 0 and REACTIVE.get(action, 0) == 0, action


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 1.0])
def test_mixed_blends_the_pure_presets(share):
    mixed = allocation(Params(strategy="mixed", prevention_share=share, effort=200.0), 7)
    r = allocation(Params(strategy="reactive", effort=200.0), 7)
    p = allocation(Params(strategy="preventative", effort=200.0), 7)
    # (1 - share) x reactive + share x preventative, action by action
    assert mixed == pytest.approx({a: (1 - share) * r[a] + share * p[a] for a in ACTIONS})


def test_mixed_hand_values():
    alloc = allocation(Params(strategy="mixed", prevention_share=0.3, effort=200.0), 1)
    # raid = 200 x (0.7 x R[raid] + 0.3 x 0);  tracing = 200 x 0.3 x P[tracing]
    assert alloc["raid"] == pytest.approx(200.0 * 0.7 * REACTIVE["raid"])
    assert alloc["tracing"] == pytest.approx(200.0 * 0.3 * PREVENTATIVE["tracing"])
    inv = 200.0 * (0.7 * REACTIVE.get("investigation", 0) + 0.3 * PREVENTATIVE.get("investigation", 0))
    assert alloc["investigation"] == pytest.approx(inv)


def test_prevention_share_of_fixed_presets():
    for week in WEEKS:
        assert prevention_share(Params(strategy="reactive"), week) == 0.0
        assert prevention_share(Params(strategy="none"), week) == 0.0
        assert prevention_share(Params(strategy="preventative"), week) == 1.0
        assert prevention_share(Params(strategy="mixed", prevention_share=0.25), week) == 0.25


class TestTransition:
    def test_ramp(self):
        params = Params(strategy="transition", transition_week=104, transition_ramp_weeks=52)
        # reactive before week 104, then (week - 104 + 1) / 52 up to 1
        assert prevention_share(params, 1) == 0.0
        assert prevention_share(params, 103) == 0.0
        assert prevention_share(params, 104) == pytest.approx(1 / 52)
        assert prevention_share(params, 129) == pytest.approx(26 / 52)
        assert prevention_share(params, 155) == pytest.approx(1.0)
        assert prevention_share(params, 400) == 1.0
        shares = [prevention_share(params, w) for w in range(1, 300)]
        assert shares == sorted(shares)

    def test_allocation_follows_the_ramp(self):
        params = Params(strategy="transition", transition_week=10, transition_ramp_weeks=4, effort=100.0)
        assert allocation(params, 9) == pytest.approx(
            allocation(Params(strategy="reactive", effort=100.0), 9)
        )
        # week 11: share (11 - 10 + 1) / 4 = 0.5, the same as mixed at 0.5
        mixed = Params(strategy="mixed", prevention_share=0.5, effort=100.0)
        assert allocation(params, 11) == pytest.approx(allocation(mixed, 11))
        assert allocation(params, 13) == pytest.approx(
            allocation(Params(strategy="preventative", effort=100.0), 13)
        )

    def test_zero_ramp_switches_at_once(self):
        params = Params(strategy="transition", transition_week=20, transition_ramp_weeks=0)
        assert prevention_share(params, 19) == 0.0
        assert prevention_share(params, 20) == 1.0

    def test_transition_from_week_zero_is_preventative_soon(self):
        params = Params(strategy="transition", transition_week=0, transition_ramp_weeks=1)
        assert prevention_share(params, 1) == 1.0


class TestTargeting:
    @pytest.mark.parametrize(
        ("params", "week", "expected"),
        [
            (Params(strategy="reactive"), 1, "kingpin"),
            (Params(strategy="none"), 1, "kingpin"),
            (Params(strategy="preventative"), 1, "broker"),
            (Params(strategy="mixed", prevention_share=0.49), 1, "kingpin"),
            (Params(strategy="mixed", prevention_share=0.5), 1, "broker"),  # at half, brokers
            (Params(strategy="transition", transition_week=10, transition_ramp_weeks=4), 9, "kingpin"),
            (
                Params(strategy="transition", transition_week=10, transition_ramp_weeks=4),
                10,
                "kingpin",
            ),  # 1/4
            (Params(strategy="transition", transition_week=10, transition_ramp_weeks=4), 11, "broker"),  # 2/4
        ],
    )
    def test_auto(self, params, week, expected):
        assert params.targeting == "auto"
        assert targeting(params, week) == expected

    @pytest.mark.parametrize("rule", ["kingpin", "broker", "recruiter", "random"])
    @pytest.mark.parametrize("strategy", ["reactive", "preventative"])
    def test_explicit_rule_wins(self, rule, strategy):
        assert targeting(Params(strategy=strategy, targeting=rule), 1) == rule


class TestCustom:
    SHARES = {"custom.raid": 0.1, "custom.tracing": 0.25, "custom.training": 0.15, "custom.arrest": 0.5}

    def params(self, **fields):
        zero = {f"custom.{a}": 0.0 for a in ACTIONS}
        return Params(strategy="custom", **fields).with_overrides({**zero, **self.SHARES})

    def test_allocation_is_effort_times_shares(self):
        alloc = allocation(self.params(effort=200.0), 1)
        # raid 200 x 0.1 = 20, tracing 50, training 30, arrest 100, nothing else
        expected = dict.fromkeys(ACTIONS, 0.0) | {
            "raid": 20.0,
            "tracing": 50.0,
            "training": 30.0,
            "arrest": 100.0,
        }
        assert alloc == pytest.approx(expected)

    def test_prevention_share_counts_the_preventative_only_actions(self):
        # tracing 0.25 + training 0.15 = 0.4 (arrest is shared by both presets, so not counted)
        params = self.params()
        assert all(prevention_share(params, w) == pytest.approx(0.4) for w in WEEKS)
        assert targeting(params, 1) == "kingpin"  # auto: below one half

    def test_default_shares_make_a_valid_custom_strategy(self):
        params = Params(strategy="custom")
        assert sum(params.custom.shares().values()) == pytest.approx(1.0)
        assert sum(allocation(params, 1).values()) == pytest.approx(params.effort)

    @pytest.mark.parametrize("arrest", [0.7, 0.3])  # with investigation's 0.5: 1.2 or 0.8
    def test_shares_must_add_up_to_one(self, arrest):
        shares = {f"custom.{a}": 0.0 for a in ACTIONS} | {
            "custom.arrest": arrest,
            "custom.investigation": 0.5,
        }
        with pytest.raises(ValueError, match="custom"):
            Params(strategy="custom").with_overrides(shares)
        # the shares are only checked when the custom strategy is chosen
        assert Params(strategy="reactive").with_overrides(shares).custom.arrest == arrest


def test_unknown_preset_is_refused():
    # Params cannot hold an unknown preset; the function still refuses one rather than guess
    with pytest.raises(ValueError, match="strategy"):
        strategies.prevention_share(SimpleNamespace(strategy="bogus"), 1)
