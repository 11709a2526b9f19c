"""Run a sweep with a slow stand-in model, for the kill and Ctrl-C tests.

Usage: python sweep_script.py SPEC OUT WORKERS. The model is chosen here, in code, by the test
suite; spec files never name code. Exit status as for ``sim sweep`` (130 after Ctrl-C).
"""

import signal
import sys

import sweep_fakes

from sim.sweep import run_sweep


def main(spec: str, out: str, workers: str) -> int:
    """Run the sweep, writing a chunk every two runs so a kill lands between (and during) chunks."""
    # Ctrl-C raises KeyboardInterrupt, as in an interactive shell, even when the test runner was
    # started in the background or under nohup and this process inherited SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = run_sweep(
            spec,
            out,
            workers=int(workers),
            batch_size=1,
            chunk_runs=2,
            chunk_seconds=0.1,
            progress=False,
            run_fn=sweep_fakes.slow_run,
            summarize_fn=sweep_fakes.fake_summarize,
        )
    except KeyboardInterrupt:
        return 130
    return 1 if result.runs_failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
