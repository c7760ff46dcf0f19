"""Shared fixtures: an app on a temporary data folder, and helpers that act as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder import create_app


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    """The app with CSRF checks off, so tests post forms as a browser would after a GET."""
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "SECRET_KEY": "test"})


@pytest.fixture
def csrf_app(data_dir):
    """The app exactly as served: CSRF checks on."""
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


@pytest.fixture
def directory(app):
    return app.extensions["finder"].directory
