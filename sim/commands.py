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


def _reproduce(sub: argparse._SubParsersAction) -> None:
    from sim import reproduce

    p = sub.add_parser(
        "reproduce", help="run every published experiment, write every figure and summary (--check, --quick)",
        description="Run (or resume) every experiment in experiments/, then write figures, summaries, "
        "results README and findings. --check compares the summaries with the published reference.",
    )  # fmt: skip
    reproduce.configure_reproduce(p)
    p.set_defaults(func=reproduce.main_reproduce)


def _figures(sub: argparse._SubParsersAction) -> None:
    from sim import reproduce

    p = sub.add_parser(
        "figures", help="regenerate figures and summaries from stored results only",
        description="Redraw every published figure and rewrite its summary from the stored sweeps "
        "(no model runs).",
    )  # fmt: skip
    reproduce.configure_figures(p)
    p.set_defaults(func=reproduce.main_figures)


def _dashboard(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard", help="serve the interactive dashboard (one run, week by week) in a browser",
        description="Serve the interactive dashboard (Mesa SolaraViz): parameter controls, play/step/reset, "
        "live plots and the criminal networks. Open the printed address in a browser; Ctrl-C stops it.",
    )  # fmt: skip
    p.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.set_defaults(func=_run_dashboard)


def _run_dashboard(args: argparse.Namespace) -> int:
    from sim.cli import InputError

    try:
        from sim.app import serve  # solara and Mesa's visualisation load only when the command runs
    except ImportError as exc:
        raise InputError(f"the dashboard needs the viz extra (pip install -e '.[viz]'): {exc}") from None
    return serve(args.host, args.port)


REGISTRY: list[Register] = [_compare, _sweep, _reproduce, _figures, _dashboard]
