"""A one-line progress display on a terminal: runs done, failures, rate and ETA; silent otherwise."""

import os
import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    """``H:MM:SS`` for a duration in seconds."""
    s = max(int(round(seconds)), 0)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Progress:
    """Rewrites one line of ``stream`` at most every ``interval`` seconds.

    ``enabled=None`` turns it on only when ``stream`` is a terminal and the ``CI`` variable is unset.
    """

    def __init__(
        self,
        name: str,
        total: int,
        done: int,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        interval: float = 0.5,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        self.name, self.total, self.done_before = name, total, done
        self.interval = interval
        self._start = time.monotonic()
        self._shown = 0.0
        self._width = 0

    def update(self, ok: int, failed: int, *, force: bool = False) -> None:
        """Show ``ok`` and ``failed`` runs done in this session (on top of those done before)."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self._shown < self.interval):
            return
        self._shown = now
        line = self.line(ok, failed, now - self._start)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def line(self, ok: int, failed: int, elapsed: float) -> str:
        """The text of the progress line."""
        session = ok + failed
        done = self.done_before + session
        text = f"{self.name}: {done}/{self.total} runs, {failed} failed"
        if session and elapsed > 0:
            rate = session / elapsed
            eta = (self.total - done) / rate
            text += f", {rate:.2f} runs/s, ETA {format_seconds(eta)}"
        return text

    def close(self, ok: int, failed: int) -> None:
        """Show the final counts and end the line."""
        if self.enabled:
            self.update(ok, failed, force=True)
            self.stream.write("\n")
            self.stream.flush()
