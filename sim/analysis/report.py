"""Generated documents: ``results/README.md`` and ``docs/findings.md``, their numbers read from the
summary CSVs so they never go stale. Every number is a mean with its 95% bootstrap interval in brackets.
"""

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.analysis.products import PRODUCTS

Summaries = dict[str, pd.DataFrame]


def load_summaries(folder: Path) -> Summaries:
    """Every ``<figure>.csv`` in ``folder`` (missing ones are left out)."""
    return {
        p.name: pd.read_csv(folder / f"{p.name}.csv") for p in PRODUCTS if (folder / f"{p.name}.csv").exists()
    }


def ci(row: pd.Series, digits: int = 3) -> str:
    """``estimate [low, high]`` with ``digits`` significant digits."""
    return f"{row['estimate']:.{digits}g} [{row['low']:.{digits}g}, {row['high']:.{digits}g}]"


def _pick(frame: pd.DataFrame, metric: str, **keys: object) -> pd.Series | None:
    mask = frame["metric"] == metric
    for key, value in keys.items():
        mask &= frame[key] == value
    rows = frame[mask]
    return rows.iloc[0] if len(rows) else None


def _per(frame: pd.DataFrame, metric: str, key: str, unit: str = "") -> str:
    """``a: x [l, h]; b: ...`` over the values of ``key`` for one metric."""
    rows = frame[frame["metric"] == metric]
    return "; ".join(f"{r[key]}: {ci(r)}{unit}" for _, r in rows.iterrows())


def _strategy_comparison(s: pd.DataFrame) -> list[str]:
    return [
        f"10-year victim losses ($ bn) by strategy: {_per(s, 'harm_bn', 'strategy')}.",
        f"Difference to reactive, paired ($ bn): {_per(s, 'harm_bn_diff', 'strategy')}.",
        f"Networks active after 10 years: {_per(s, 'networks_final', 'strategy')}.",
    ]


def _impressive_numbers(s: pd.DataFrame) -> list[str]:
    return [
        f"Arrests over 10 years: {_per(s, 'arrests', 'strategy')}.",
        f"Websites suspended: {_per(s, 'websites_suspended', 'strategy')}.",
        f"Harm avoided vs no enforcement ($ bn): {_per(s, 'harm_avoided_bn', 'strategy')}.",
        f"New recruits (thousands): {_per(s, 'new_recruits_k', 'strategy')}.",
    ]


def _prevention_share(s: pd.DataFrame) -> list[str]:
    best = float(s["best_share"].iloc[0])
    harm = s[s["metric"] == "harm_bn"].set_index("prevention_share")
    lines = [f"Least 10-year harm at prevention share {best:g}: {ci(harm.loc[best])} $ bn."]
    for share in (harm.index.min(), harm.index.max()):
        lines.append(f"At share {share:g}: {ci(harm.loc[share])} $ bn.")
    return lines


def _targeting(s: pd.DataFrame) -> list[str]:
    out = []
    for strategy in dict.fromkeys(s["strategy"].dropna()):
        rows = s[s["strategy"] == strategy]
        out.append(
            f"{strategy}: 10-year harm ($ bn) by targeting: {_per(rows, 'harm_bn', 'targeting')}; "
            f"difference to kingpin: {_per(rows, 'harm_bn_diff', 'targeting')}."
        )
    return out


def _transition(s: pd.DataFrame) -> list[str]:
    out = []
    for label in dict.fromkeys(s["label"]):
        dip, gain = _pick(s, "arrests_dip_pct", label=label), _pick(s, "harm_avoided_bn", label=label)
        if dip is not None and gain is not None:
            out.append(
                f"{label}: arrests in the switch year {ci(dip)} % vs reactive; "
                f"10-year harm avoided {ci(gain)} $ bn."
            )
    return out


def _lever(s: pd.DataFrame, x: str, series: str, extra: str) -> list[str]:
    diff = s[s["metric"] == "harm_bn_diff"]
    out = [
        f"{series} = {level:g}: preventative - reactive harm ($ bn) by {x}: "
        + "; ".join(f"{r[x]:g}: {ci(r)}" for _, r in rows.iterrows())
        for level, rows in diff.groupby(series)
    ]
    extra_rows = s[(s["metric"] == extra) & s["strategy"].notna()]
    for strategy, rows in extra_rows.groupby("strategy"):
        out.append(
            f"{strategy}: {extra} from {rows['estimate'].min():.3g} to {rows['estimate'].max():.3g} "
            f"across the grid."
        )
    return out


def _sensitivity(s: pd.DataFrame) -> list[str]:
    st = s[s["metric"] == "ST"].sort_values("estimate", ascending=False)
    s1 = s[s["metric"] == "S1"].set_index("factor")
    overall = _pick(s, "harm_diff_bn", factor="(all)")
    out = (
        [f"Mean preventative - reactive harm over the design: {ci(overall)} $ bn."]
        if overall is not None
        else []
    )
    out += [
        f"{r['factor']}: ST {ci(r, 2)}, S1 {ci(s1.loc[r['factor']], 2)}." for _, r in st.head(4).iterrows()
    ]
    return out


def _calibration(s: pd.DataFrame) -> list[str]:
    return [
        f"{r['metric']}: median {r['median']:.3g} (5-95%: {r['q05']:.3g}-{r['q95']:.3g}), target "
        f"{r['target_low']:g}-{r['target_high']:g}: {'met' if r['median_in_target'] else 'NOT met'}."
        for _, r in s.iterrows()
    ]


HEADLINES: dict[str, Callable[[pd.DataFrame], list[str]]] = {
    "strategy_comparison": _strategy_comparison,
    "impressive_numbers": _impressive_numbers,
    "prevention_share": _prevention_share,
    "targeting": _targeting,
    "transition": _transition,
    "capacity": lambda s: _lever(s, "police.attrition_rate", "police.training_cost", "skilled_officers_mean"),
    "cooperation": lambda s: _lever(
        s, "partner.trust_initial", "partner.sharing_rate", "networks_abroad_final"
    ),
    "sensitivity": _sensitivity,
    "calibration": _calibration,
}


def headlines(summaries: Summaries, name: str) -> list[str]:
    """The headline sentences of one figure, or a note that its summary is missing."""
    if name not in summaries:
        return [f"(no summary: run `sim reproduce` to produce summary/{name}.csv)"]
    try:
        return HEADLINES[name](summaries[name])
    except (KeyError, ValueError, IndexError) as exc:
        return [f"(summary/{name}.csv lacks a headline value: {exc})"]


def results_readme(folder: Path, *, quick: bool = False) -> str:
    """The results README: per figure, its experiment(s), command, what it shows, headline numbers."""
    summaries = load_summaries(folder)
    flag = " --quick" if quick else ""
    lines = [
        "# Results",
        "",
        "Generated by `sim reproduce` / `sim figures` from `summary/*.csv`; do not edit.",
        "Numbers are means with 95% bootstrap intervals in brackets. Reproduce everything with "
        f"`sim reproduce{flag}`; check against the published reference with `sim reproduce{flag} --check`;",
        f"redraw from stored results only with `sim figures{flag}`.",
        "",
    ]
    for p in PRODUCTS:
        specs = ", ".join(f"`experiments/{s}.toml`" for s in p.sources)
        lines += [
            f"## {p.title}",
            "",
            f"![{p.name}](figures/{p.name}.png)",
            "",
            f"- figure: `figures/{p.name}.png` (and `.svg`); summary: `summary/{p.name}.csv`",
            f"- experiment: {specs}; command: `sim reproduce{flag}` (sweep alone: "
            f"`sim sweep experiments/{p.sources[0]}.toml`)",
            f"- shows: {p.shows}",
            "- headline numbers:",
        ]
        lines += [f"  - {h}" for h in headlines(summaries, p.name)]
        lines.append("")
    return "\n".join(lines)


def findings(folder: Path) -> str:
    """The findings document (see :mod:`sim.analysis.findings` for its text)."""
    from sim.analysis import findings as text

    return text.document(load_summaries(folder))
