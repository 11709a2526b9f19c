"""The ``sim`` command: ``sim run``, ``sim sweep``, ``sim compare`` and the commands registered below.

Bad input (an unknown parameter, a value out of range, an unreadable file) ends with a one-line
message naming what is wrong and exit status 2, never a traceback.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.params import Params, parse_value

EPILOG_RUN = """examples:
  sim run --strategy preventative --seed 3
  sim run --strategy mixed --set prevention_share=0.3 --set police.attrition_rate=0.01 --out run.parquet
  sim run --params my.toml --weeks 104 --out weekly.csv
parameters: every field of sim.Params by its dotted path (see docs/parameters.md)."""


class InputError(Exception):
    """Bad command-line input: reported as one line, exit status 2."""


def _parse_sets(items: Sequence[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path:
            raise InputError(f"--set {item!r}: expected PATH=VALUE, e.g. police.attrition_rate=0.01")
        try:
            out[path.strip()] = parse_value(path.strip(), text.strip())
        except ValueError as exc:
            raise InputError(f"--set {exc}") from None
    return out


def params_from_args(args: argparse.Namespace) -> Params:
    """Parameters from ``--params FILE``, then ``--strategy``/``--targeting``, then each ``--set``."""
    try:
        params = Params.from_toml(args.params) if args.params else Params()
        overrides: dict[str, object] = {}
        if args.strategy:
            overrides["strategy"] = args.strategy
        if args.targeting:
            overrides["targeting"] = args.targeting
        overrides.update(_parse_sets(args.set or []))
        return params.with_overrides(overrides)
    except (ValueError, TypeError) as exc:
        raise InputError(str(exc)) from None


def _add_param_options(p: argparse.ArgumentParser) -> None:
    from sim.params import STRATEGIES, TARGETING

    p.add_argument("--params", metavar="FILE", help="TOML file of parameters (any subset of sim.Params)")
    p.add_argument("--strategy", choices=STRATEGIES, help="enforcement preset (default: reactive)")
    p.add_argument("--targeting", choices=TARGETING, help="arrest targeting rule (default: the preset's own)")
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one parameter by dotted path (repeatable)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--weeks", type=int, help="weeks after burn-in (default: the parameter 'weeks', 520)")


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {out}: use a .csv or .parquet file name")
    if not path.parent.is_dir():
        raise InputError(f"--out {out}: folder {path.parent} does not exist")
    if path.is_dir():
        raise InputError(f"--out {out}: is a folder, not a file")
    return path


def _write_table(frame, out: str) -> None:  # type: ignore[no-untyped-def]
    """Write atomically: a temporary file in the same folder, then a rename."""
    path = _check_out(out)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix == ".csv":
        frame.to_csv(tmp, index=False)
    else:
        frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.observe import summarize
    from sim.run import run

    params = params_from_args(args)
    if args.weeks is not None and args.weeks < 1:
        raise InputError(f"--weeks {args.weeks}: must be at least 1")
    if args.seed < 0:
        raise InputError(f"--seed {args.seed}: must be zero or positive")
    if args.out:
        _check_out(args.out)
    frame = run(params, args.seed, args.weeks)
    s = summarize(frame)
    print(f"strategy {params.strategy}, targeting {params.targeting}, seed {args.seed}, {len(frame)} weeks")
    print(
        f"  victim losses      ${s['harm_usd'] / 1e9:,.2f} bn   "
        f"(last year ${s['harm_usd_last_year'] / 1e9:,.2f} bn)"
    )
    print(
        f"  arrests            {s['arrests_total']:,.0f}  (bosses {s['arrests_bosses']:,.0f}, "
        f"facilitators {s['arrests_facilitators']:,.0f}, recruiters {s['arrests_recruiters']:,.0f})"
    )
    print(f"  workers detained   {s['workers_detained']:,.0f}")
    print(
        f"  websites suspended {s['websites_suspended']:,.0f}   licences revoked {s['licenses_revoked']:,.0f}"
    )
    print(f"  assets seized      ${s['assets_seized_usd'] / 1e6:,.1f} m")
    print(
        f"  networks at end    {s['active_networks_final']:,.0f} ({s['networks_abroad_final']:,.0f} abroad), "
        f"workers {s['workers_final']:,.0f}"
    )
    if args.out:
        _write_table(frame, args.out)
        print(f"weekly table written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim", description="Scam-network enforcement simulator: reactive vs preventative strategies."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "run", help="run one scenario and print a summary", epilog=EPILOG_RUN,
        description="Run one scenario (burn-in, then the enforcement weeks) and print a summary.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    _add_param_options(p)
    p.add_argument("--out", metavar="FILE", help="write the weekly table to FILE (.csv or .parquet)")
    p.set_defaults(func=cmd_run)
    for register in _registrations():
        register(sub)
    return parser


def _registrations():  # type: ignore[no-untyped-def]
    """Sub-commands contributed by other modules: each is ``register(subparsers)``."""
    from sim import commands

    return commands.REGISTRY


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"sim {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sim {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
