"""Shared helpers for the sweep tests: spec files written into a temporary folder."""

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sweep_fakes import TINY

SpecWriter = Callable[..., Path]


@pytest.fixture
def write_spec(tmp_path: Path) -> SpecWriter:
    """Write TOML text (dedented) to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def tiny_spec(write_spec: SpecWriter) -> Path:
    """The tiny real-model grid spec (3 points x 2 replications), keeping every 5th week."""
    return write_spec(TINY.format(keep=5))
