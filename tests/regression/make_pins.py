"""Write ``tests/regression/pinned.json``: the exact output of a few full default runs.

Run ``python tests/regression/make_pins.py`` only after a documented change of the model's behaviour
(a new mechanism, a recalibrated default); never to make a failing pin test pass after a refactoring
or an optimisation, which must leave every number unchanged.
"""

import hashlib
import json
from pathlib import Path

import pandas as pd

from sim import Params, run

#: The pinned runs: (strategy, seed), each a full default run (burn-in + ``Params().weeks`` weeks).
CASES = (("reactive", 1), ("preventative", 2), ("mixed", 3), ("transition", 4), ("none", 5))

#: Totals or final values pinned by exact equality next to the hash (readable when a pin breaks).
SUMMARY = ("harm_usd", "arrests_total", "new_recruits", "licenses_revoked", "assets_seized_usd")

PINS = Path(__file__).with_name("pinned.json")


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of the frame's column names, dtypes and raw values (bit-exact)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name].to_numpy()
        digest.update(f"{name}:{column.dtype}".encode())
        digest.update(column.tobytes())
    return digest.hexdigest()


def pin(strategy: str, seed: int) -> dict[str, object]:
    """The pins of one run: shape, digest, and a few totals and final values."""
    frame = run(Params(strategy=strategy), seed)
    summary = {name: float(frame[name].sum()) for name in SUMMARY}
    summary["active_networks_final"] = float(frame["active_networks"].iloc[-1])
    summary["workers_final"] = float(frame["workers"].iloc[-1])
    return {"strategy": strategy, "seed": seed, "rows": len(frame), "sha256": frame_digest(frame), **summary}


def main() -> None:
    pins = [pin(strategy, seed) for strategy, seed in CASES]
    PINS.write_text(json.dumps(pins, indent=2) + "\n")
    print(f"wrote {len(pins)} pins to {PINS}")


if __name__ == "__main__":
    main()
