"""Column tables that hold the homogeneous state of many agents as numpy arrays (STYLE.md point 7).

A row is a slot; slots are never reused, so an agent keeps its slot for life and a dead agent's row
simply has ``alive == False``. Rows are appended in batches; every column has a fixed dtype.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray


class Table:
    """Named numpy columns of equal length, grown by :meth:`add`."""

    def __init__(self, **columns: Any) -> None:
        self._columns = dict(columns)
        for name, dtype in columns.items():
            setattr(self, name, np.zeros(0, dtype=dtype))

    def __len__(self) -> int:
        return len(getattr(self, next(iter(self._columns))))

    def add(self, n: int, **values: Any) -> NDArray[np.int64]:
        """Append ``n`` rows (columns not given start at zero) and return their slot numbers."""
        unknown = set(values) - set(self._columns)
        if unknown:
            raise KeyError(f"unknown columns: {sorted(unknown)}")
        start = len(self)
        for name, dtype in self._columns.items():
            new = np.zeros(n, dtype=dtype)
            if name in values:
                new[:] = values[name]
            setattr(self, name, np.concatenate([getattr(self, name), new]))
        return np.arange(start, start + n, dtype=np.int64)
