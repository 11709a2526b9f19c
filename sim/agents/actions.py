"""The task force's actions. Each takes the model, the task force and a number of operations.

Reactive: :func:`raid`, :func:`arrest` (with the reactive preset's kingpin targeting), :func:`website`,
:func:`licence`. Preventative: :func:`tracing`, :func:`disruption`, :func:`arrest` (brokers and
facilitators), :func:`cooperation`; :func:`investigation` feeds both. Training is effort spent in
:class:`~sim.agents.police.PoliceTaskForce` itself. Success always goes through
:func:`sim.rules.success_probability` with the intelligence, skill and target security at hand.
"""

from typing import TYPE_CHECKING

import numpy as np

from sim import _kernels, _weekly, rules
from sim.agents.network import ASSOCIATE, BOSS, FACILITATOR_ROLES, MANAGER

if TYPE_CHECKING:
    from sim.agents.police import PoliceTaskForce
    from sim.model import ScamEnforcementModel


def _success(model: "ScamEnforcementModel", prob: float) -> bool:
    """One operation's outcome: a uniform draw below its chance of success ``prob`` (from
    :func:`success_odds` for an operation against a network)."""
    return bool(_kernels.uniform(model.rng) < prob)


def _succeeds(
    model: "ScamEnforcementModel", tf: "PoliceTaskForce", i: int, odds: np.ndarray | None = None
) -> bool:
    """An operation against network ``i`` succeeds: :func:`_success` with its chance from
    :func:`success_odds` (``odds``, where the caller holds them), one uniform draw compared in
    :func:`sim._kernels.uniform_below`."""
    return _kernels.uniform_below(model.rng, success_odds(model, tf) if odds is None else odds, i)


def success_odds(model: "ScamEnforcementModel", tf: "PoliceTaskForce") -> np.ndarray:
    """Chance of an operation against each network succeeding: :func:`sim.rules.success_probability` of
    the network's intelligence (``model.intel``), the task force's skill and the network's security.

    Computed for all networks at once (:func:`sim._weekly.success_odds`) and kept until the intelligence
    is next refreshed (:meth:`~sim.model.ScamEnforcementModel.refresh_intel`, which starts each week's
    enforcement) or the skill changes; security changes only in the networks' adaptation, which resets
    it too. numpy's ``exp`` gives each element the same bits as it gives one number, so this is exactly
    the chance a single operation would compute."""
    skill = tf.skill
    cached = model.odds
    if cached is not None and cached[0] == skill:
        return cached[1]
    p = model.params.police
    odds = _weekly.success_odds(
        model.intel, model.nets.security[: len(model.intel)], skill, p.success_max, p.intel_weight,
        p.skill_weight, model.params.crime.security_protection,
    )  # fmt: skip
    model.odds = (skill, odds)
    return odds


def _visibility_odds(model: "ScamEnforcementModel", tf: "PoliceTaskForce", visibility: float) -> float:
    """Chance of an operation against a recruiter (no security) whose footprint ``visibility`` is the
    intelligence."""
    p = model.params.police
    return rules.success_probability(  # type: ignore[return-value]
        visibility, tf.skill, 0.0, p.success_max, p.intel_weight, p.skill_weight,
        model.params.crime.security_protection,
    )  # fmt: skip


def raid(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Raid the most visible compounds at home. A tip-off (leak) empties most of it first."""
    nets, p, rng = model.nets, model.params.police, model.rng
    for done in range(ops):
        i = _kernels.pick(rng, _weekly.raid_weights(nets, model.params.world.n_home_zones))
        if i is None:
            return done
        tipped, detained, staff, seized, down = _weekly.raid_losses(  # a tip-off leaves a tenth to find
            rng, nets, i, p.leak_prob, p.raid_find_share, p.raid_staff_share, p.raid_cash_share,
            p.raid_websites,
        )  # fmt: skip
        scale = 0.1 if tipped else 1.0
        model.events["workers_detained"] += detained
        model.events["arrests_total"] += staff
        model.seize(seized)
        model.events["websites_suspended"] += down
        network = model.network_at[i]
        found = _arrest_present(model, network, p.raid_member_share * scale)
        if not tipped:
            nets.disrupted_until[i] = max(nets.disrupted_until[i], model.week + p.raid_disruption_weeks)
            if _kernels.uniform(rng) < rules.collapse_probability(
                float(nets.workers[i]), float(nets.capacity[i]), model.params.adaptation.collapse_prob
            ):
                model.dissolve(model.network_at[i])
                model.add_pressure(i, 0.0, zone_spill=0.2)
                continue
        devices = staff + found + (0 if tipped else 1) + detained // p.workers_per_device
        forensics(model, network, _kernels.binomial_one(rng, devices, p.forensic_reveal * tf.skill))
        model.add_pressure(i, 1.0, zone_spill=0.2)
    return ops


def forensics(model: "ScamEnforcementModel", network, leads: int) -> None:
    """Each lead from seized devices reveals a member and, with even odds, one of the network's companies."""
    if not network.active or leads <= 0:
        return
    network.reveal(leads, model.rng)
    _weekly.reveal_companies(model.rng, model.shells, network.slot, leads, 0.5)  # each lead with even odds


def _arrest_present(model: "ScamEnforcementModel", network, share: float) -> int:
    """Arrest the core members (not the boss) found on site during a raid."""
    present = _kernels.found_on_site(model.rng, network.adj, model.members.role, BOSS, share)
    for m in present:
        if not network.active:
            break
        model.arrest_member(network, m)
    return len(present)


def arrest(
    model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int, rule: str, home: bool = True
) -> int:
    """Intelligence-led arrests: ``rule`` picks the target among what the task force knows.

    A failed operation changes only the target's pressure, so the networks' target weights and chances
    of success are read again only after an arrest (which can split a network, renewing both)."""
    if rule == "recruiter":
        for _ in range(ops):
            _arrest_recruiter(model, tf)
        return ops
    rng, insulation = model.rng, model.params.police.boss_insulation
    weights = odds = None
    for done in range(ops):
        if weights is None:
            weights, odds = _target_weights(model, home), success_odds(model, tf)
        target = choose_member(model, rule, home, weights)
        if target is None:
            return done
        network, member = target
        i = network.slot
        insulated = network.role(member) == BOSS and _kernels.uniform(rng) < insulation
        if not insulated and _succeeds(model, tf, i, odds):
            model.arrest_member(network, member)
            weights = None
            if network.active:
                network.reveal(_kernels.binomial_one(rng, 2, tf.skill), rng)
            model.add_pressure(i, 0.5)
        else:
            model.add_pressure(i, 0.2)
    return ops


def _target_weights(model: "ScamEnforcementModel", home: bool) -> np.ndarray:
    """The weights by which a network is chosen for an arrest: its revenue plus one, for live networks
    at home (or abroad) with a known member (:func:`sim._weekly.revenue_weights`)."""
    return _weekly.revenue_weights(model.nets, model.params.world.n_home_zones, home, model.known_count)


def choose_member(
    model: "ScamEnforcementModel", rule: str, home: bool = True, weights: np.ndarray | None = None
):
    """``(network, member)`` targeted by ``rule`` among known members, or None if nobody is known.

    The network is drawn by ``weights`` (:func:`_target_weights` of the model as it is, if not given);
    kingpin: the boss (or the highest-ranking known member) of a network chosen by its harm;
    broker: a facilitator (a sole holder of a skill first), else the known non-boss member with the
    highest brokerage (:meth:`ScamNetwork.betweenness`); random: any known member.
    """
    rng = model.rng
    i = _kernels.pick(rng, _target_weights(model, home) if weights is None else weights)
    if i is None:
        return None
    network = model.network_at[i]
    members = model.members
    if rule == "kingpin":
        member = _kernels.kingpin(network.adj, members.role, members.known, BOSS, MANAGER, ASSOCIATE)
    elif rule == "broker":
        tied = _kernels.brokers(network.adj, members.role, members.known, BOSS, FACILITATOR_ROLES)
        if len(tied) == 1:  # brokerage only breaks ties, and computing it is the costly part
            member = tied[0]
        else:
            bc = network.betweenness()
            member = max(tied, key=lambda m: (bc[m], -m))
    else:
        known = network.known_members()
        member = known[int(rng.integers(len(known)))]
    return network, member


def _arrest_recruiter(model: "ScamEnforcementModel", tf: "PoliceTaskForce") -> bool:
    """Go after a recruiter found by its online footprint; an arrest needs the operation to succeed
    and a case, whose chance is the recruiter's visibility (what it left online)."""
    rec = model.recruiters
    j = _kernels.pick(model.rng, _weekly.recruiter_weights(rec))
    if j is None:
        return False
    if (
        not _success(model, _visibility_odds(model, tf, float(rec.visibility[j])))
        or _kernels.uniform(model.rng) >= rec.visibility[j]
    ):
        return False
    model.arrest_recruiter(j)
    net = int(rec.net[j])
    if model.nets.alive[net]:
        model.network_at[net].reveal(_kernels.binomial_one(model.rng, 1, tf.skill), model.rng)
        model.add_pressure(net, 0.2)
    return True


def website(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Suspend scam and gambling websites of networks at home, found in proportion to how many each
    runs and how little it hides; all of the week's takedowns are drawn at once, as a multinomial
    (:func:`sim._weekly.website_takedowns`). Each takedown adds 0.02 to its network's pressure."""
    p = model.params
    down = _weekly.website_takedowns(
        model.rng, model.nets, ops, p.crime.security_protection, p.world.n_home_zones
    )
    if down < 0:
        return 0
    model.events["websites_suspended"] += down
    return ops


def licence(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Inspect domestic companies and revoke licences with irregularities (more layers hide them): each
    operation picks a company not yet revoked and succeeds with the task force's odds against its
    owner's security and its layering (:func:`sim._weekly.licence_inspections` draws them all, since
    revoking changes nothing the draws read); each revocation adds 0.1 to the owner's pressure."""
    p = model.params
    done, revoked = _weekly.licence_inspections(
        model.rng, model.shells, model.nets, ops, p.police.success_max, p.crime.security_protection
    )
    for s in revoked:
        owner = int(model.shells.net[s])
        model.revoke_shell(s, seize=False)
        model.add_pressure(owner, 0.1)
    return done


def investigation(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Investigate the most harmful networks at home: each success reveals one member."""
    nets, rng = model.nets, model.rng
    weights = _weekly.revenue_weights(nets, model.params.world.n_home_zones, True)  # revealing changes none
    odds = success_odds(model, tf)  # nor the chances of success (intelligence is read once a week)
    for done in range(ops):
        i = _kernels.pick(rng, weights)
        if i is None:
            return done
        if _succeeds(model, tf, i, odds):
            model.network_at[i].reveal(1, rng)
    return ops


def tracing(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Follow the money: trace a company, freeze its balance, cut the channel, reveal its launderer
    and, through its transactions, sibling companies. Companies already known are far easier."""
    sh, rng, p = model.shells, model.rng, model.params.police
    assistance = model.params.partner.mla_prob * model.partner.trust
    for done in range(ops):
        s = _kernels.pick(rng, _weekly.tracing_weights(sh, model.intel, p.cold_trace_factor))
        if s is None:
            return done
        owner = int(sh.net[s])
        factor = rules.tracing_factor(float(sh.opacity[s]), bool(sh.offshore[s]), assistance)
        factor *= 1.0 if sh.known[s] else p.cold_trace_factor
        if _succeeds(model, tf, owner) and _kernels.uniform(rng) < factor * 2.0:
            model.revoke_shell(s, seize=True)
            for sibling in np.flatnonzero(sh.alive & sh.known & (sh.net == owner)):
                model.revoke_shell(int(sibling), seize=True)
            network = model.network_at[owner]
            for m, role in zip(network.adj, network.roles(), strict=True):
                if role == FACILITATOR_ROLES[0]:
                    model.members.known[m] = True
            forensics(model, network, _kernels.binomial_one(rng, 2, tf.skill))
            model.add_pressure(owner, 0.5)
        else:
            sh.known[s] = sh.known[s] or _kernels.uniform(rng) < tf.skill * p.cold_trace_factor
    return ops


def disruption(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int) -> int:
    """Disrupt recruitment: arrest recruiters, take their fake ads down, raise public awareness."""
    rec, p = model.recruiters, model.params.police
    for _ in range(ops):
        model.awareness = min(model.awareness + p.awareness_gain * (1.0 - model.awareness), 1.0)
        if _arrest_recruiter(model, tf):
            continue
        j = _kernels.pick(model.rng, _weekly.recruiter_weights(rec, model.week))
        if j is not None:
            rec.blocked_until[j] = model.week + p.ad_takedown_weeks
    return ops


def cooperation(model: "ScamEnforcementModel", tf: "PoliceTaskForce", ops: int, rule: str) -> int:
    """Liaison with the partner: intelligence sharing, joint operations abroad, legal assistance."""
    for _ in range(ops):
        model.partner.share_intelligence()
        model.partner.joint_operation(tf, rule)
        model.partner.legal_assistance()
    return ops
