"""Shared fixtures. Qt tests run headless; each test area may add its own conftest."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def policies():
    from app.policy import load_policies

    return load_policies()
