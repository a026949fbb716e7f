"""GTP framing (spec 3.1, 2.5, 2.6): preprocessing, parsing and response formatting."""
from __future__ import annotations

import pytest

from gtp.protocol import Command, format_response, header, parse, preprocess


@pytest.mark.parametrize("raw, line", [
    ("pl\x01ay b\x7f E5\r\n", "play b E5"),  # control characters are removed, not replaced
    ("\x00\x1bboardsize\x059\n", "boardsize9"),
    ("play\tb\tE5", "play b E5"),  # HT turns into a space
    ("boardsize 9 # first comment # second comment", "boardsize 9"),  # everything after the first #
    ("  # only a comment", ""),
    ("komi 6.5#no space", "komi 6.5"),
])
def test_preprocess_removes_control_characters_and_comments(raw, line):
    assert preprocess(raw) == line


@pytest.mark.parametrize("line, command", [
    ("12 PLAY b E5", Command(12, "play", ["b", "E5"])),
    ("Genmove W", Command(None, "genmove", ["W"])),
    ("7", Command(7, "", [])),
    ("1" * 19 + " name", Command(None, "1" * 19, ["name"])),  # too long for an id: a command name
    ("9" * 18 + " name", Command(int("9" * 18), "name", [])),  # the longest id (fits 64 bits)
    ("abc name", Command(None, "abc", ["name"])),
    ("\u0663 name", Command(None, "\u0663", ["name"])),  # a non-ASCII digit is no id
])
def test_parse_splits_id_name_and_arguments(line, command):
    assert parse(line) == command


def test_responses_are_framed_by_one_empty_line():
    assert format_response(3, True, "a\n\nb") == "=3 a\nb\n\n"
    assert format_response(None, False, "syntax error") == "? syntax error\n\n"
    assert format_response(None, True) == "=\n\n" and format_response(5, True, "") == "=5\n\n"
    assert header(None) == "=\n" and header(4) == "=4\n"
