"""Registry of ``sim`` sub-commands contributed by modules other than :mod:`sim.cli`.

Each entry is ``register(subparsers) -> None``; it adds a parser whose ``func`` default runs it.
Heavy imports happen inside the command functions, so ``sim --help`` stays fast.
"""

import argparse
from collections.abc import Callable

Register = Callable[[argparse._SubParsersAction], None]


def _sweep(sub: argparse._SubParsersAction) -> None:
    from sim.sweep import cli as sweep_cli

    p = sub.add_parser(
        "sweep", help="run an experiment spec (grid, LHS, Sobol or CSV design) resumably",
        description=sweep_cli.DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    sweep_cli.configure(p)
    p.set_defaults(func=sweep_cli.main)


def _compare(sub: argparse._SubParsersAction) -> None:
    from sim.analysis import compare

    p = sub.add_parser(
        "compare", help="compare the five strategy presets over a few seeds (table + figure)",
        description="Run none, reactive, preventative, mixed and transition over the same seeds; print a "
        "table of 10-year outcomes and write a figure of weekly harm and networks.",
    )  # fmt: skip
    compare.configure(p)
    p.set_defaults(func=compare.main)


REGISTRY: list[Register] = [_compare, _sweep]
