"""Strategy presets: plain data that allocate the task force's weekly effort over its actions.

A strategy is a split of the same weekly budget (``Params.effort``) over the actions below plus a
targeting rule for intelligence-led arrests. ``mixed`` blends the two pure presets by the prevention
share; ``transition`` runs reactive, then ramps the prevention share linearly from 0 to 1 over
``transition_ramp_weeks`` starting at ``transition_week``. ``none`` allocates nothing: it is the
no-enforcement baseline. ``custom`` takes the shares in ``Params.custom`` (for experiments such as
comparing targeting rules on an arrest-focused budget). Nothing outside this module looks at the
strategy's name.
"""

from types import MappingProxyType

from sim.params import Params

#: Actions only the preventative preset uses (the prevention share of a custom allocation).
PREVENTATIVE_ONLY = ("tracing", "disruption", "cooperation", "training")
ACTIONS = (
    "raid",
    "website",
    "licence",
    "tracing",
    "disruption",
    "cooperation",
    "training",
    "investigation",
    "arrest",
)

#: Shares of effort of the pure reactive preset: raids, kingpin arrests, website and licence actions,
#: and the investigation that feeds them (the record described in the seed document).
REACTIVE = MappingProxyType(
    {"raid": 0.30, "arrest": 0.25, "website": 0.15, "licence": 0.15, "investigation": 0.15}
)
#: Shares of the pure preventative preset: follow the money, disrupt recruitment, train, cooperate,
#: and make intelligence-led arrests of facilitators and brokers.
PREVENTATIVE = MappingProxyType(
    {
        "tracing": 0.25,
        "disruption": 0.20,
        "arrest": 0.25,
        "cooperation": 0.10,
        "training": 0.10,
        "investigation": 0.10,
    }
)


def prevention_share(params: Params, week: int) -> float:
    """The share of effort on the preventative side in ``week`` (1-based, after burn-in)."""
    match params.strategy:
        case "reactive" | "none":
            return 0.0
        case "custom":
            shares = params.custom.shares()
            return sum(shares[a] for a in PREVENTATIVE_ONLY)
        case "preventative":
            return 1.0
        case "mixed":
            return params.prevention_share
        case "transition":
            if week < params.transition_week:
                return 0.0
            if params.transition_ramp_weeks == 0:
                return 1.0
            return min((week - params.transition_week + 1) / params.transition_ramp_weeks, 1.0)
    raise ValueError(f"strategy: unknown preset {params.strategy!r}")


def allocation(params: Params, week: int) -> dict[str, float]:
    """Effort (officer-weeks) per action this week; the total is ``params.effort`` (0 for ``none``)."""
    if params.strategy == "none":
        return dict.fromkeys(ACTIONS, 0.0)
    if params.strategy == "custom":
        return {a: params.effort * share for a, share in params.custom.shares().items()}
    p = prevention_share(params, week)
    return {
        a: params.effort * ((1.0 - p) * REACTIVE.get(a, 0.0) + p * PREVENTATIVE.get(a, 0.0)) for a in ACTIONS
    }


def targeting(params: Params, week: int) -> str:
    """The arrest targeting rule: the one set in ``params``, or the preset's own under ``auto``
    (kingpins while mostly reactive, brokers once mostly preventative)."""
    if params.targeting != "auto":
        return params.targeting
    return "broker" if prevention_share(params, week) >= 0.5 else "kingpin"
