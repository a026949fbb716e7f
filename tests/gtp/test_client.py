"""Finding GNU Go: on PATH first, then Debian's /usr/games, else None (the tests that need it
are skipped then). Checked without GNU Go: PATH points at a folder made for the test and the
/usr/games check is answered by the test. The client's reading of responses, against an engine
process stood in by the test (its output written in advance), in this process."""
from __future__ import annotations

import io
import os
import subprocess

import pytest

from gtp import client
from gtp.client import GtpClient, GtpError, find_gnugo

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


class ScriptedProcess:
    """Stands in for the engine's process: ``stdout`` holds what the engine will answer."""

    def __init__(self, argv, output: str, **options):
        self.argv, self.options = argv, options
        self.stdin, self.stdout = io.StringIO(), io.StringIO(output)
        self.returncode = None

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        self.returncode = 0
        return 0


@pytest.fixture
def engine_answering(monkeypatch):
    """``engine_answering(text)``: a GtpClient whose engine answers ``text``."""
    def start(output: str, **kwargs) -> GtpClient:
        monkeypatch.setattr(client.subprocess, "Popen", lambda argv, **options: ScriptedProcess(argv, output, **options))
        return GtpClient(["engine", "--mode", "gtp"], **kwargs)
    return start


def test_pipelined_responses_are_read_to_their_empty_lines(engine_answering):
    engine = engine_answering("= C3\n\n=\n\n\n= \n  A B C\n3 . X X\n\n")
    commands = ["genmove b", "play w D4", "showboard"]
    assert engine.send_many(commands) == [(True, "C3"), (True, ""), (True, "\n  A B C\n3 . X X")]
    assert engine.process.stdin.getvalue() == "genmove b\nplay w D4\nshowboard\n"


def test_ids_and_crlf_line_ends_are_taken_off(engine_answering):
    engine = engine_answering("=12 C3\r\n\r\n?13 illegal move\r\n\r\n=14 A1 B2\r\nC3\r\n\r\n")
    assert engine.send("12 genmove b") == "C3"
    with pytest.raises(GtpError, match=r"^'13 play b C3' failed: illegal move$"):
        engine.send("13 play b C3")
    assert engine.send("14 final_status_list dead") == "A1 B2\nC3"


@pytest.mark.parametrize("output, error", [("hello\n\n", r"engine answered out of protocol: 'hello'"),
                                           ("= C3\n", r"engine closed its output \(exit status None\)")])
def test_an_engine_out_of_protocol_or_gone_raises(engine_answering, output, error):
    with pytest.raises(GtpError, match=error):
        engine_answering(output).send("genmove b")


def test_the_engine_is_started_with_its_argv_and_line_buffered_text_pipes(engine_answering):
    process = engine_answering("").process
    assert process.argv == ["engine", "--mode", "gtp"]
    assert {k: process.options[k] for k in ("stdin", "stdout", "text", "bufsize")} == {
        "stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True, "bufsize": 1}


def test_trailing_spaces_inside_a_multi_line_answer_are_kept(engine_answering):
    engine = engine_answering("= first\n  A B  \n\n")
    assert engine.send("showboard") == "first\n  A B  "


def test_the_engines_stderr_is_discarded_unless_asked_for(engine_answering):
    assert engine_answering("").process.options["stderr"] is subprocess.DEVNULL
    log = io.StringIO()
    assert engine_answering("", stderr=log).process.options["stderr"] is log


def test_close_says_quit_and_waits(engine_answering):
    with engine_answering("=\n\n") as engine:
        pass
    assert engine.process.stdin.getvalue() == "quit\n" and engine.process.returncode == 0
