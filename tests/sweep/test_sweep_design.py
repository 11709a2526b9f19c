"""Designs (sizes, ranges, types) and seed derivation."""

from pathlib import Path

import numpy as np
import pytest

from sim.params import STRATEGIES
from sim.sweep import load_spec, run_seed
from sim.sweep.engine import pending_tasks

HEAD = 'name = "d"\nweeks = 20\nreplications = 3\nroot_seed = 11\n{extra}\n[design]\n'
SAMPLED = """type = "{kind}"
samples = {n}
[design.ranges]
prevention_share = [0.2, 0.6]
"world.n_networks" = [3, 7]
strategy = {{values = ["reactive", "preventative", "mixed"]}}
[design.ranges.police]
attrition_rate = {{low = 0.001, high = 0.1, log = true}}
"""


def sampled(write_spec, kind: str, n: int, extra: str = "", name: str = "s.toml"):
    return load_spec(write_spec(HEAD.format(extra=extra) + SAMPLED.format(kind=kind, n=n), name=name))


def test_grid_is_full_factorial_first_factor_slowest(write_spec) -> None:
    text = '[design.factors]\nstrategy = ["reactive", "mixed"]\n"world.n_networks" = [3, 4.0, 5]\n'
    spec = load_spec(write_spec(HEAD.format(extra="") + 'type = "grid"\n' + text))
    assert spec.n_points == 6 and spec.n_runs == 18
    assert [spec.design.point(i)["strategy"] for i in range(6)] == ["reactive"] * 3 + ["mixed"] * 3
    assert [spec.design.point(i)["world.n_networks"] for i in range(3)] == [3, 4, 5]
    assert all(type(p[1]) is int for p in spec.design.points)


@pytest.mark.parametrize(("kind", "n"), [("lhs", 30), ("sobol", 32)])
def test_sampled_designs_stay_in_range_with_typed_factors(write_spec, kind: str, n: int) -> None:
    spec = sampled(write_spec, kind, n)
    assert spec.n_points == n and spec.n_runs == 3 * n
    assert spec.design.factors == (
        "prevention_share",
        "world.n_networks",
        "strategy",
        "police.attrition_rate",
    )
    columns = list(zip(*spec.design.points, strict=True))
    networks, strategy = columns[1], columns[2]
    share, attrition = np.array(columns[0]), np.array(columns[3])
    assert share.min() >= 0.2 and share.max() <= 0.6
    assert all(type(v) is int for v in networks) and set(networks) == {3, 4, 5, 6, 7}
    assert set(strategy) == {"reactive", "preventative", "mixed"} <= set(STRATEGIES)
    assert attrition.min() >= 0.001 and attrition.max() <= 0.1
    # Log-uniform: about as many points below the geometric midpoint 0.01 as above it.
    assert abs((attrition < 0.01).mean() - 0.5) < 0.2


def test_latin_hypercube_hits_every_stratum_once(write_spec) -> None:
    n = 20
    spec = sampled(write_spec, "lhs", n)
    share = np.array([p[0] for p in spec.design.points])
    strata = np.floor((share - 0.2) / 0.4 * n).astype(int)
    assert sorted(strata) == list(range(n))


def test_sampled_designs_are_reproducible_and_seeded(write_spec) -> None:
    first = sampled(write_spec, "sobol", 16, name="a.toml")
    again = sampled(write_spec, "sobol", 16, name="b.toml")
    assert first.design.points == again.design.points
    # the sample's seed is the design's `seed`, by default the spec's root seed
    other_root = HEAD.replace("root_seed = 11", "root_seed = 12").format(extra="")
    moved = load_spec(write_spec(other_root + SAMPLED.format(kind="sobol", n=16), name="c.toml"))
    assert moved.design.points != first.design.points
    seeded = SAMPLED.format(kind="sobol", n=16).replace("samples = 16", "samples = 16\nseed = 5")
    reseeded = load_spec(write_spec(HEAD.format(extra="") + seeded, name="e.toml"))
    pinned = load_spec(write_spec(other_root + seeded, name="f.toml"))
    assert reseeded.design.points != first.design.points
    assert pinned.design.points == reseeded.design.points  # an explicit seed does not follow root_seed
    assert first.digest() != reseeded.digest()


def test_csv_design_points_are_typed(write_spec, tmp_path: Path) -> None:
    (tmp_path / "pts.csv").write_text(
        "strategy, world.n_networks ,prevention_share\nmixed,4,0.3\nnone,6,1\n\n"
    )
    spec = load_spec(write_spec(HEAD.format(extra="") + 'type = "csv"\npath = "pts.csv"\n'))
    assert spec.design.factors == ("strategy", "world.n_networks", "prevention_share")
    assert spec.design.points == (("mixed", 4, 0.3), ("none", 6, 1.0))
    assert type(spec.design.points[1][2]) is float


def test_common_random_numbers_share_seeds_across_points() -> None:
    root, reps = 20261128, 4
    children = np.random.SeedSequence(root).spawn(reps)
    for r in range(reps):
        expected = int(children[r].generate_state(1, dtype=np.uint64)[0]) >> 1
        assert {run_seed(root, p, r, True) for p in range(5)} == {expected}
    assert len({run_seed(root, 0, r, True) for r in range(reps)}) == reps


def test_independent_streams_follow_the_spawn_tree() -> None:
    root, points, reps = 7, 3, 4
    tree = [child.spawn(reps) for child in np.random.SeedSequence(root).spawn(points)]
    seeds = {}
    for p in range(points):
        for r in range(reps):
            seed = run_seed(root, p, r, False)
            assert seed == int(tree[p][r].generate_state(1, dtype=np.uint64)[0]) >> 1
            assert type(seed) is int and 0 <= seed < 2**63
            seeds[p, r] = seed
    assert len(set(seeds.values())) == points * reps


def test_pending_tasks_go_replication_by_replication_and_skip_done(write_spec) -> None:
    spec = sampled(write_spec, "lhs", 4, extra="common_random_numbers = false")
    tasks = list(pending_tasks(spec, done={(0, 0), (3, 2)}))
    assert len(tasks) == spec.n_runs - 2
    assert [(t.point_id, t.replication) for t in tasks[:4]] == [(1, 0), (2, 0), (3, 0), (0, 1)]
    assert all(t.seed == run_seed(11, t.point_id, t.replication, False) for t in tasks)
    assert all(t.values == spec.design.points[t.point_id] for t in tasks)
