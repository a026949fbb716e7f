"""Atomic writes: the new file or the old one, never half; the permissions a plain open() gives
(not mkstemp's private 0600: a run's files are read by other users and a cluster's nodes); a
failed write leaves nothing behind."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from common.files import atomic_write


def test_a_written_file_has_the_permissions_of_a_plain_open(tmp_path):
    atomic_write(tmp_path / "a" / "file.txt", lambda tmp: Path(tmp).write_text("new"))
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "a" / "file.txt").read_text() == "new"
    assert stat.S_IMODE((tmp_path / "a" / "file.txt").stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")

    def fail(tmp):
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["file.txt"]
