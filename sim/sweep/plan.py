"""Dry runs: the size of a sweep, what is already done, and an estimate of its time; nothing is written."""

import time
from dataclasses import dataclass
from pathlib import Path

from . import storage
from .progress import format_seconds
from .seeds import run_seed
from .spec import Spec
from .worker import RunFn, SummarizeFn, resolve_model

CALIBRATION_WEEKS = 52


@dataclass(frozen=True)
class Plan:
    """What a sweep would do: sizes, runs already recorded in ``out``, and the timing estimate."""

    spec: Spec
    out: Path
    runs_done: int
    slots: int | None
    calibration_weeks: int
    calibration_seconds: float
    seconds_per_run: float

    @property
    def seconds_total(self) -> float:
        """Estimated wall time of the pending runs on ``slots`` parallel workers (one if unknown)."""
        pending = self.spec.n_runs - self.runs_done
        return pending * self.seconds_per_run / (self.slots or 1)

    def describe(self) -> str:
        """A few lines for people."""
        spec, design = self.spec, self.spec.design
        factors = ", ".join(design.factors)
        parallel = f"{self.slots} workers" if self.slots else "one worker (the cluster size is unknown)"
        state = (
            f"{self.runs_done} already recorded there (it would resume)" if self.runs_done else "a new sweep"
        )
        return "\n".join(
            [
                f"{spec.name}: {design.type} design, {len(design)} points over {factors}",
                f"runs: {len(design)} points x {spec.replications} replications = {spec.n_runs}; "
                f"{spec.base.weeks} weeks after {spec.base.burn_in_weeks} burn-in; keep = {spec.keep!r}",
                f"output: {self.out} ({state})",
                f"calibration: one run of {self.calibration_weeks} weeks (+ burn-in) took "
                f"{self.calibration_seconds:.2f} s, so about {self.seconds_per_run:.2f} s per run",
                f"estimate: {format_seconds(self.seconds_total)} on {parallel}; nothing was written",
            ]
        )


def plan(
    spec: Spec,
    out: Path,
    *,
    slots: int | None,
    resume: bool = False,
    run_fn: RunFn | None = None,
    summarize_fn: SummarizeFn | None = None,
) -> Plan:
    """Check ``out`` (read only), count recorded runs and time one short run of the first point."""
    manifest = storage.check_folder(out, spec.digest(), resume=resume)
    runs_done = len(storage.completed(out)[0]) if manifest is not None else 0
    full = spec.base.with_overrides(spec.design.point(0))
    weeks = min(full.weeks, CALIBRATION_WEEKS)
    run, summarize = resolve_model(run_fn, summarize_fn)
    start = time.perf_counter()
    summarize(run(full.with_overrides({"weeks": weeks}), run_seed(spec.root_seed, 0, 0, True), weeks))
    seconds = time.perf_counter() - start
    # Cost scales with simulated weeks, burn-in included: a full run is the calibration run rescaled.
    per_run = seconds * (full.burn_in_weeks + full.weeks) / (full.burn_in_weeks + weeks)
    return Plan(spec, out, runs_done, slots, weeks, seconds, per_run)
