"""Shared test options: ``--run-slow`` opts into the long tests; external tools skip when absent
except under CI (``CI=true``), where their absence is a failure."""
from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="run the long (slow-marked) tests too")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip_slow = pytest.mark.skip(reason="slow test: opt in with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(path: str | None, name: str) -> str:
    """Return ``path``, or skip (fail under CI) when the tool is missing."""
    if path:
        return path
    if in_ci():
        pytest.fail(f"{name} is required under CI (.ci/run installs it) but was not found")
    pytest.skip(f"{name} is not installed")
