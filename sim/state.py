"""Column tables that hold the homogeneous state of many agents as numpy arrays (STYLE.md point 7).

A row is a slot; slots are never reused, so an agent keeps its slot for life and a dead agent's row
simply has ``alive == False``. Rows are appended in batches; every column has a fixed dtype.

Storage: each column lives in a buffer with spare capacity that doubles when full, and the attribute
is a view of exactly the live rows (``buffer[:len(table)]``), so appending a row costs a copy only
when the buffer grows, not on every add. Code may update a column in place (``t.cash += x``) or
replace it wholesale (``t.cash = new_array`` of the same length); a replaced column is copied back
into its buffer at the next :meth:`add`.
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

#: Rows a buffer holds before its first growth.
MIN_CAPACITY = 64

#: Values that :meth:`Table.add` writes into a single new row as an item (the same value as a slice gets).
_SCALARS = (int, float, bool)


class Table:
    """Named numpy columns of equal length, grown by :meth:`add`."""

    def __init__(self, **columns: Any) -> None:
        self._columns = dict(columns)
        self._names = frozenset(columns)
        self._size = 0
        self._capacity = MIN_CAPACITY
        self._buffers = {name: np.zeros(MIN_CAPACITY, dtype=dtype) for name, dtype in columns.items()}
        self._views: dict[str, np.ndarray] = {}
        self._expose()

    def __len__(self) -> int:
        return self._size

    if TYPE_CHECKING:
        # Columns are plain attributes, made at run time, which type checkers cannot see. Declared for
        # them only: a class with ``__getattr__`` makes every attribute read from compiled code (the
        # kernels read columns about 80,000 times a run) take a slower path.

        def __getattr__(self, name: str) -> NDArray[Any]: ...

        def __setattr__(self, name: str, value: Any) -> None: ...  # assigned wholesale too

    def add(self, n: int, **values: Any) -> NDArray[np.int64]:
        """Append ``n`` rows (columns not given start at zero) and return their slot numbers."""
        if not values.keys() <= self._names:
            raise KeyError(f"unknown columns: {sorted(set(values) - self._names)}")
        start, end = self._size, self._size + n
        self._reserve(end)
        buffers = self._buffers
        try:
            for name, value in values.items():
                if n == 1 and type(value) in _SCALARS:  # one row of a Python number: an item, not a slice
                    buffers[name][start] = value
                else:
                    buffers[name][start:end] = value
        except Exception:
            self._clear(start, end)
            raise
        self._size = end
        self._expose()
        return np.arange(start, end, dtype=np.int64)

    def _clear(self, start: int, end: int) -> None:
        """Zero the spare rows ``start:end`` again (rows past the end are zero until added)."""
        for buffer in self._buffers.values():
            buffer[start:end] = 0

    def _reserve(self, rows: int) -> None:
        """Take back replaced columns, then grow every buffer (doubling) to hold ``rows`` rows."""
        attributes, views = self.__dict__, self._views
        for name, buffer in self._buffers.items():
            column = attributes[name]
            if column is not views[name]:
                buffer[: self._size] = column
        capacity = self._capacity
        if rows <= capacity:
            return
        while capacity < rows:
            capacity *= 2
        for name, buffer in self._buffers.items():
            grown = np.zeros(capacity, dtype=buffer.dtype)
            grown[: self._size] = buffer[: self._size]
            self._buffers[name] = grown
        self._capacity = capacity
        self._expose()

    def __getstate__(self) -> dict[str, Any]:
        return {"columns": self._columns, "rows": {name: getattr(self, name) for name in self._columns}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["columns"])  # type: ignore[misc]
        rows = state["rows"]
        self.add(len(next(iter(rows.values()), [])), **rows)

    def _expose(self) -> None:
        """Point every column attribute at the live rows of its buffer."""
        attributes, views, size = self.__dict__, self._views, self._size
        for name, buffer in self._buffers.items():
            attributes[name] = views[name] = buffer[:size]
