"""Generated experiment designs: the Saltelli CSV of the sensitivity experiment and how to read it back.

``experiments/designs/sensitivity.toml`` holds the generator settings (base sample size, seed, the
strategies each parameter set is run under, and the factor ranges). :func:`sensitivity_points` turns
them into the rows of the engine's CSV design: the Saltelli layout of :mod:`sim.analysis.sobol`, each
row repeated once per strategy (strategy varies fastest), so point ``k * S + s`` is Saltelli row ``k``
under strategy ``s``. With common random numbers every point shares replication r's seed.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import sobol


@dataclass(frozen=True)
class SensitivitySettings:
    """What the generator needs: base sample size (a power of 2), sampler seed, strategies, ranges."""

    base_samples: int
    seed: int
    strategies: tuple[str, ...]
    ranges: Mapping[str, sobol.Range]

    @property
    def factors(self) -> list[str]:
        """Factor paths in design order."""
        return list(self.ranges)


def read_settings(path: str | Path, *, base_samples: int | None = None) -> SensitivitySettings:
    """Read the generator settings; ``base_samples`` overrides the file's (quick runs use a smaller N)."""
    data: dict[str, Any] = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    ranges = {name: tuple(bounds) for name, bounds in data["ranges"].items()}
    return SensitivitySettings(
        base_samples=int(base_samples or data["base_samples"]),
        seed=int(data["seed"]),
        strategies=tuple(data["strategies"]),
        ranges=ranges,  # type: ignore[arg-type]
    )


def saltelli_frame(settings: SensitivitySettings) -> pd.DataFrame:
    """The Saltelli rows (block, row, factors) of ``settings``, before the strategy repetition."""
    return sobol.saltelli_design(settings.ranges, settings.base_samples, settings.seed)


def sensitivity_points(settings: SensitivitySettings) -> pd.DataFrame:
    """The engine's CSV design: ``strategy`` then the factors, each Saltelli row once per strategy."""
    rows = saltelli_frame(settings)[settings.factors]
    repeated = rows.loc[rows.index.repeat(len(settings.strategies))].reset_index(drop=True)
    strategies = list(settings.strategies) * len(rows)
    return pd.concat([pd.DataFrame({"strategy": strategies}), repeated], axis=1)


def write_sensitivity_csv(settings: SensitivitySettings, path: str | Path) -> Path:
    """Write the design CSV (full float precision so values round-trip exactly); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    sensitivity_points(settings).to_csv(out, index=False, float_format="%.17g", lineterminator="\n")
    return out


def label_points(design: pd.DataFrame, settings: SensitivitySettings) -> pd.DataFrame:
    """The engine's ``design`` table with the Saltelli block, row and strategy of every point.

    Raises ``ValueError`` if the stored points do not match the settings (a stale or foreign CSV).
    """
    expected = saltelli_frame(settings)
    n_strategies = len(settings.strategies)
    if len(design) != len(expected) * n_strategies:
        raise ValueError(
            f"sensitivity design has {len(design)} points, settings give {len(expected) * n_strategies}"
        )
    labelled = design.sort_values("point_id", ignore_index=True)
    k = labelled["point_id"].to_numpy() // n_strategies
    stored = labelled[settings.factors].to_numpy(float)
    if not (abs(stored - expected[settings.factors].to_numpy(float)[k]) <= 1e-9 * abs(stored) + 1e-12).all():
        raise ValueError("sensitivity design points differ from the generator settings (stale CSV?)")
    labelled[sobol.BLOCK] = expected[sobol.BLOCK].to_numpy()[k]
    labelled[sobol.ROW] = expected[sobol.ROW].to_numpy()[k]
    return labelled
