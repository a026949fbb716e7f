"""The test run never loads stale numba machine code: its cache folder is keyed by the source."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numba

from tests.conftest import LIBRARY_PACKAGES, ROOT, source_digest


def test_numba_caches_into_the_folder_the_run_chose():
    assert Path(numba.config.CACHE_DIR) == Path(os.environ["NUMBA_CACHE_DIR"])
    if Path(os.environ["NUMBA_CACHE_DIR"]).parent == ROOT / ".numba_cache":  # chosen by conftest, not by CI
        assert Path(os.environ["NUMBA_CACHE_DIR"]).name == source_digest()


def test_the_digest_changes_with_any_library_module_and_only_with_them(tmp_path):
    for package in LIBRARY_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "weights"))
    before = source_digest(tmp_path)
    assert before == source_digest(ROOT)
    (tmp_path / "README.md").write_text("not code")
    assert source_digest(tmp_path) == before
    callee = tmp_path / "gogame" / "board_nb.py"  # a module whose kernels other modules' kernels call
    callee.write_text(callee.read_text() + "\n# changed\n")
    assert source_digest(tmp_path) != before
