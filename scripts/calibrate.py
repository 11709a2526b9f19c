"""Check, and optionally re-derive, the parameters marked "calibrated" in ``sim/params.py``.

The calibration targets are the seed document's figures for the first two years of reactive
enforcement (DESIGN.md section 4): more than 120 (we take 120-200) licences revoked, at least 1,000
websites suspended, arrests in the hundreds (100-999) while workers detained are in the thousands,
at least three quarters of the initial networks still operating, and about 75% of networks linked
to organised crime.

    python scripts/calibrate.py              # report the targets at the current defaults (20 seeds)
    python scripts/calibrate.py --search     # also scan each calibrated cost for its own target

``--search`` scans one parameter at a time (each target is driven mostly by one action's cost) and
prints the value whose mean lands closest to the target's centre; it does not edit any file.
The report is written to ``results/calibration.json``.
"""

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from sim import Params, run

WEEKS = 104

#: target name -> (column or derived quantity, low, high)
TARGETS = {
    "licences revoked": ("licenses_revoked", 120.0, 200.0),
    "websites suspended": ("websites_suspended", 1000.0, 3000.0),
    "arrests (members and recruiters)": ("arrests_total", 100.0, 999.0),
    "workers detained": ("workers_detained", 1000.0, 9999.0),
    "initial networks still operating": ("initial_share", 0.75, 1.0),
    "share of networks OC-linked": ("oc_linked_share", 0.65, 0.85),
}

#: calibrated parameter -> (target it is fitted to, values scanned by --search)
SEARCH = {
    "police.licence_cost": ("licences revoked", [3.0, 4.0, 5.0, 6.0, 8.0]),
    "police.website_cost": ("websites suspended", [1.0, 1.5, 2.0, 3.0, 4.0]),
    "police.raid_find_share": ("workers detained", [0.02, 0.035, 0.05, 0.075, 0.1]),
    "police.raid_staff_share": ("arrests (members and recruiters)", [0.15, 0.2, 0.3, 0.4, 0.5]),
}


def two_year_figures(overrides: dict[str, float], seed: int) -> dict[str, float]:
    """The reactive baseline's first two years for one seed."""
    params = Params(strategy="reactive").with_overrides(overrides)
    frame = run(params, seed, WEEKS)
    out = {
        col: float(frame[col].sum())
        for col, *_ in TARGETS.values()
        if col in frame and col != "oc_linked_share"
    }
    first = frame["initial_networks_active"].iloc[0] + frame["networks_dissolved"].iloc[0]
    out["initial_share"] = float(frame["initial_networks_active"].iloc[-1] / first)
    out["oc_linked_share"] = float(frame["oc_linked_share"].mean())
    return out


def evaluate(overrides: dict[str, float], seeds: int, pool: ProcessPoolExecutor) -> dict[str, float]:
    """Mean of each target quantity over ``seeds`` seeds."""
    rows = list(pool.map(two_year_figures, [overrides] * seeds, range(seeds)))
    return {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}


def report(means: dict[str, float]) -> list[dict[str, object]]:
    lines = []
    for name, (col, low, high) in TARGETS.items():
        value = means[col]
        lines.append({"target": name, "value": value, "low": low, "high": high, "ok": low <= value <= high})
        print(
            f"  {name:34s} {value:12,.2f}   target [{low:,.2f}, {high:,.2f}]   "
            f"{'ok' if low <= value <= high else 'MISS'}"
        )
    return lines


def search(seeds: int, pool: ProcessPoolExecutor) -> dict[str, float]:
    """One-at-a-time scan of each calibrated parameter against its own target's centre."""
    best = {}
    for path, (target, values) in SEARCH.items():
        col, low, high = TARGETS[target]
        centre = (low + high) / 2 if high < 5 * low else np.sqrt(low * high)
        errors = {v: abs(evaluate({path: v}, seeds, pool)[col] - centre) for v in values}
        best[path] = min(errors, key=errors.__getitem__)
        print(f"  {path:30s} -> {best[path]} (default {Params().get(path)})")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20, help="seeds per evaluation (default 20)")
    parser.add_argument("--search", action="store_true", help="scan the calibrated costs (slow)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--out", default="results/calibration.json", help="where to write the report")
    args = parser.parse_args(argv)
    with ProcessPoolExecutor(args.workers) as pool:
        print(f"reactive baseline, first {WEEKS} weeks, mean over {args.seeds} seeds:")
        lines = report(evaluate({}, args.seeds, pool))
        suggested = search(args.seeds, pool) if args.search else {}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps({"seeds": args.seeds, "targets": lines, "search": suggested}, indent=2)
    )
    return 0 if all(line["ok"] for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
