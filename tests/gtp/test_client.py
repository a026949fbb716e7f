"""Finding GNU Go: on PATH first, then Debian's /usr/games, else None (the tests that need it
are skipped then). Checked without GNU Go: PATH points at a folder made for the test and the
/usr/games check is answered by the test."""
from __future__ import annotations

import os

import pytest

from gtp import client
from gtp.client import find_gnugo

DEBIAN = "/usr/games/gnugo"


@pytest.fixture
def usr_games(monkeypatch):
    """Whether /usr/games/gnugo is there and executable, as the test decides; every other path
    is asked of the real file system."""
    state = {"present": False}
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if path == DEBIAN:
            return state["present"] and mode == os.X_OK
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(client.os, "access", access)
    return state


def executable(folder, name: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_gnugo_on_path_comes_first(tmp_path, monkeypatch, usr_games):
    found = executable(tmp_path, "gnugo")
    executable(tmp_path, "GNUGO")
    monkeypatch.setenv("PATH", str(tmp_path))
    usr_games["present"] = True
    assert find_gnugo() == found


@pytest.mark.parametrize("present", [True, False])
def test_else_debians_usr_games_else_none(tmp_path, monkeypatch, usr_games, present):
    executable(tmp_path, "GNUGO")  # another name is not GNU Go
    monkeypatch.setenv("PATH", str(tmp_path))
    usr_games["present"] = present
    assert find_gnugo() == (DEBIAN if present else None)
