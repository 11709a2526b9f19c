"""Run seeds derived from the spec's root seed with ``numpy.random.SeedSequence``.

With common random numbers every design point uses the seed of replication ``r``, the child
``SeedSequence(root).spawn(R)[r]``; with independent streams point ``p`` replication ``r`` uses
``SeedSequence(root).spawn(P)[p].spawn(R)[r]``. Both are built directly from their spawn keys, which
is exactly what ``spawn`` produces. A seed is the child's first 64-bit word shifted to 63 bits, a
Python ``int`` that fits an int64 column (Mesa rejects numpy integers).
"""

import numpy as np


def run_seed(root_seed: int, point_id: int, replication: int, common_random_numbers: bool) -> int:
    """The seed of one run (a Python ``int`` in ``[0, 2**63)``)."""
    key = (replication,) if common_random_numbers else (point_id, replication)
    child = np.random.SeedSequence(root_seed, spawn_key=key)
    return int(child.generate_state(1, dtype=np.uint64)[0]) >> 1
