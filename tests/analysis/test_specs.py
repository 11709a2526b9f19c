"""Every published experiment spec loads and validates; the sensitivity CSV matches its generator."""

from pathlib import Path

import pandas as pd
import pytest

from sim.analysis import designs
from sim.analysis.products import EXPERIMENTS, PRODUCTS
from sim.sweep import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(p for p in (ROOT / "experiments").glob("*.toml"))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_spec_loads_and_validates(path: Path) -> None:
    spec = load_spec(path)
    assert spec.name == path.stem
    if path.stem != "example":
        assert spec.base.weeks in (104, 520)
        # the description states the number of replications (and why one is enough for the sensitivity
        # design, whose strategies share each row's seed); every other experiment has at least 20
        text = " ".join(spec.description.split()).lower()
        stated = "one replication" if spec.replications == 1 else f"{spec.replications} replications"
        assert stated in text, f"{path.name}: the description does not say {stated!r}"
        assert spec.replications >= 20 or path.stem == "sensitivity"


def test_every_experiment_has_a_spec_and_every_figure_a_source() -> None:
    names = {p.stem for p in SPECS}
    assert set(EXPERIMENTS) <= names
    assert all(set(p.sources) <= set(EXPERIMENTS) for p in PRODUCTS)


def test_sensitivity_csv_is_the_generator_output(tmp_path: Path) -> None:
    settings = designs.read_settings(ROOT / "experiments/designs/sensitivity.toml")
    fresh = designs.write_sensitivity_csv(settings, tmp_path / "s.csv")
    committed = pd.read_csv(ROOT / "experiments/designs/sensitivity.csv")
    pd.testing.assert_frame_equal(committed, pd.read_csv(fresh))
    assert len(committed) == settings.base_samples * (len(settings.factors) + 2) * len(settings.strategies)
