"""GTP v2 framing: line preprocessing, command parsing and response formatting (spec section 3.1,
2.5 and 2.6). Pure functions, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


MAX_ID_DIGITS = 18  # a longer digit run is no id (it would not fit 64 bits), just an unknown command


@dataclass(frozen=True)
class Command:
    """A parsed command line: ``id`` (None when absent), lower-case ``name`` and ``args``."""

    id: int | None
    name: str
    args: list[str]


def preprocess(raw: str) -> str:
    """Remove control characters but HT, cut a ``#`` comment, turn HT into a space and trim.
    An empty result means the line gets no response."""
    line = _CONTROL.sub("", raw).partition("#")[0]  # CR and LF are control characters too
    return line.replace("\t", " ").strip()


def parse(line: str) -> Command:
    """Parse a preprocessed, non-empty line into id, name and arguments."""
    tokens = line.split()
    command_id = None
    if tokens[0].isdigit() and tokens[0].isascii() and len(tokens[0]) <= MAX_ID_DIGITS:
        command_id = int(tokens[0])
        tokens = tokens[1:]
    if not tokens:
        return Command(command_id, "", [])
    return Command(command_id, tokens[0].lower(), tokens[1:])


def format_response(command_id: int | None, ok: bool, text: str = "") -> str:
    """``=id text\\n\\n`` or ``?id text\\n\\n``; empty lines inside ``text`` are dropped so that the
    response cannot end early."""
    body = "\n".join(line for line in text.splitlines() if line.strip() != "")
    head = ("=" if ok else "?") + ("" if command_id is None else str(command_id))
    return f"{head} {body}\n\n" if body else f"{head}\n\n"


def header(command_id: int | None) -> str:
    """The first line of a streamed response (analysis): ``=id``."""
    return "=" + ("" if command_id is None else str(command_id)) + "\n"
