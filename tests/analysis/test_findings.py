"""Pattern verdicts of docs/findings.md, on made-up targeting summaries with known answers."""

import pandas as pd
import pytest

from sim.analysis import findings


def targeting(broker: tuple[float, float, float], random: tuple[float, float, float]) -> pd.DataFrame:
    """A targeting summary with the paired differences to kingpin (estimate, low, high) per rule."""
    rows = []
    for strategy in ("preventative", "custom"):
        for rule, (est, low, high) in (("broker", broker), ("random", random)):
            rows.append(
                {
                    "strategy": strategy,
                    "targeting": rule,
                    "metric": "harm_bn_diff",
                    "estimate": est,
                    "low": low,
                    "high": high,
                    "n": 30,
                    "p_value": 0.01,
                }  # fmt: skip
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("broker", "random", "agrees"),
    [
        ((-1.3, -2.4, -0.2), (1.3, 0.1, 2.6), True),  # both intervals on the expected side of zero
        ((1.7, -0.2, 3.6), (4.7, 2.8, 6.9), False),  # broker no better than kingpin
        ((-1.3, -2.4, -0.2), (0.5, -0.4, 1.4), False),  # kingpin no better than random
    ],
)
def test_targeting_verdict_needs_both_intervals_clear_of_zero(broker, random, agrees):
    ok, text = findings._targeting_under("preventative", "under the preventative preset")(
        {"targeting": targeting(broker, random)}
    )
    assert ok is agrees
    assert text.startswith("under the preventative preset") and "Wilcoxon p 0.01" in text


def test_one_verdict_line_per_targeting_setting_and_a_reason_when_it_disagrees():
    lines = findings.verdicts({"targeting": targeting((1.7, -0.2, 3.6), (4.7, 2.8, 6.9))})
    targeting_lines = [line for line in lines if "(targeting;" in line]
    assert len(targeting_lines) == 2
    assert all(line.startswith("- **DISAGREES**") and "Why:" in line for line in targeting_lines)
    assert any("not assessable" in line for line in lines), "checks without their summary say so"
