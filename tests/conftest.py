"""Shared fixtures: the repository root and where AppTest finds pages."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _runs_dir(tmp_path, monkeypatch):
    # Keras runs written by any test land in a throw-away folder.
    monkeypatch.setenv("NNVIZ_RUNS_DIR", str(tmp_path / "runs"))
