"""``python -m sim.sweep SPEC [options]``: the ``sim sweep`` command without the entry point."""

import sys

from .cli import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(prog="python -m sim.sweep"))
