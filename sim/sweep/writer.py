"""Streaming results to disk: batch results are buffered briefly and written as numbered chunks.

A chunk is written when enough runs or weekly rows have arrived, or enough time has passed, so memory
stays flat however long the sweep and an interruption loses at most one chunk's worth of runs (those
runs are simply run again on resume). Chunk order on disk is ``weekly``, ``runs``, ``failures``; see
:mod:`sim.sweep.storage` for why that order makes every state after a kill consistent.
"""

import time
from pathlib import Path

import pandas as pd

from .storage import part_path, write_frame
from .worker import BatchResult


class ChunkWriter:
    """Buffer of results not yet on disk, flushed as chunk ``first_part``, ``first_part + 1``, ..."""

    def __init__(
        self,
        out: Path,
        first_part: int,
        *,
        chunk_runs: int = 1000,
        chunk_seconds: float = 30.0,
        chunk_weekly_rows: int = 100_000,
    ) -> None:
        self.out = out
        self.next_part = first_part
        self.chunk_runs = chunk_runs
        self.chunk_seconds = chunk_seconds
        self.chunk_weekly_rows = chunk_weekly_rows
        self._buffer = BatchResult()
        self._weekly_rows = 0
        self._since = time.monotonic()

    @property
    def buffered_runs(self) -> int:
        """Runs (successful or failed) held in memory and not yet written."""
        return len(self._buffer.runs) + len(self._buffer.failures)

    def add(self, result: BatchResult) -> None:
        """Take one batch's results; write a chunk if one is due."""
        self._buffer.runs.extend(result.runs)
        self._buffer.failures.extend(result.failures)
        self._buffer.weekly.extend(result.weekly)
        self._weekly_rows += sum(len(f) for f in result.weekly)
        due = (
            self.buffered_runs >= self.chunk_runs
            or self._weekly_rows >= self.chunk_weekly_rows
            or time.monotonic() - self._since >= self.chunk_seconds
        )
        if due:
            self.flush()

    def flush(self) -> None:
        """Write everything buffered as the next chunk (nothing if the buffer is empty)."""
        self._since = time.monotonic()
        buffer, self._buffer, self._weekly_rows = self._buffer, BatchResult(), 0
        if not buffer.runs and not buffer.failures:
            return
        number, self.next_part = self.next_part, self.next_part + 1
        if buffer.weekly:
            write_frame(pd.concat(buffer.weekly, ignore_index=True), part_path(self.out, "weekly", number))
        if buffer.runs:
            write_frame(pd.DataFrame(buffer.runs), part_path(self.out, "runs", number))
        if buffer.failures:
            write_frame(pd.DataFrame(buffer.failures), part_path(self.out, "failures", number))
