"""Shared test options: ``--run-slow`` opts into the long tests; external tools skip when absent
except under CI (``CI=true``), where their absence is a failure."""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY_PACKAGES = ("gogame", "nets", "search", "selfplay", "training", "gtp", "tengen")
KEPT_CACHES = 3


def source_digest(root: Path = ROOT) -> str:
    """A digest of every library source file. Numba's on-disk cache checks only the file of the
    kernel it loads, not the modules whose kernels that one calls, so a changed callee would run
    stale machine code; a cache folder per digest can never be stale."""
    digest = hashlib.sha256()
    for package in LIBRARY_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _use_a_cache_for_this_source() -> None:
    """Point numba (here and in every engine the tests start) at ``.numba_cache/<digest>``,
    unless NUMBA_CACHE_DIR is set already (CI sets a fresh one); keep the newest few folders."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    base = ROOT / ".numba_cache"
    folder = base / source_digest()
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:  # read at import: tell an already imported numba
        sys.modules["numba"].core.config.reload_config()
    for old in sorted(base.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)[KEPT_CACHES:]:
        shutil.rmtree(old, ignore_errors=True)


_use_a_cache_for_this_source()


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
