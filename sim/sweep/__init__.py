"""The experiment engine: TOML specs, designs, seeds, executors, streamed storage, resume and loading.

Public API::

    spec = load_spec("experiments/example.toml")        # validated Spec, or SpecError
    result = run_sweep(spec, "results/sweeps/example")  # SweepResult (counts, status)
    data = load("results/sweeps/example")               # SweepData: .runs .weekly .failures .design .manifest

The command line is ``sim sweep`` (:mod:`sim.sweep.cli`). Importing this package loads only
:mod:`~sim.sweep.load` and :mod:`~sim.sweep.plan` (see the end of this file) and what they import; the
other names below are loaded from their modules on first use (the engine, executors and designs).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .design import Design, Factor
    from .engine import SweepResult, default_out, run_sweep
    from .errors import ExecutorError, SpecError, SweepAborted, SweepFolderError
    from .load import SweepData, load
    from .plan import Plan, plan
    from .seeds import run_seed
    from .spec import Spec, load_spec, parse_spec

_EXPORTS = {
    "Design": "design", "Factor": "design",
    "SweepResult": "engine", "default_out": "engine", "run_sweep": "engine",
    "ExecutorError": "errors", "SpecError": "errors", "SweepAborted": "errors", "SweepFolderError": "errors",
    "SweepData": "load", "load": "load",
    "Plan": "plan", "plan": "plan",
    "run_seed": "seeds",
    "Spec": "spec", "load_spec": "spec", "parse_spec": "spec",
}  # fmt: skip

__all__ = [
    "Design", "ExecutorError", "Factor", "Plan", "Spec", "SpecError", "SweepAborted", "SweepData",
    "SweepFolderError", "SweepResult", "default_out", "load", "load_spec", "parse_spec", "plan", "run_seed",
    "run_sweep",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


# ``load`` and ``plan`` share their names with their submodules: once a submodule is imported Python
# binds the package attribute to the module, which would shadow the lazy function. Bind them now.
from .load import SweepData, load  # noqa: E402
from .plan import Plan, plan  # noqa: E402
