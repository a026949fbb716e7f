"""Command arguments: the one parser of colours, integers, floats and vertices for the whole gtp
package, and ``GtpFailure``, the error a command answers with. Every malformed argument is a
``syntax error`` (GTP spec 6.1), except a vertex off the board, which is an ``illegal move``.
"""
from __future__ import annotations

import math

from gogame.board_nb import BLACK, WHITE
from gogame.coords import CoordinateError, from_gtp

COLORS = {"b": BLACK, "black": BLACK, "w": WHITE, "white": WHITE}  # any case


class GtpFailure(Exception):
    """A command failed; the message is the GTP error text (``illegal move``, ...)."""


def color_or_none(text: str) -> int | None:
    """BLACK or WHITE for ``b``/``black``/``w``/``white`` in any case, else None (for arguments
    where a colour is optional, as in the analyze commands)."""
    return COLORS.get(text.lower())


def parse_color(text: str) -> int:
    """BLACK or WHITE; anything else fails with ``syntax error``."""
    color = color_or_none(text)
    if color is None:
        raise GtpFailure("syntax error")
    return color


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise GtpFailure("syntax error") from None


def parse_float(text: str) -> float:
    """A finite float: ``nan`` and ``inf`` are syntax errors too."""
    try:
        value = float(text)
    except ValueError:
        raise GtpFailure("syntax error") from None
    if not math.isfinite(value):
        raise GtpFailure("syntax error")
    return value


def parse_vertex(text: str, size: int) -> int:
    """A point or PASS on a ``size`` board; off the board is an ``illegal move`` (the spec's
    answer to a move there), anything unreadable a ``syntax error``."""
    try:
        return from_gtp(text, size)
    except CoordinateError as error:
        raise GtpFailure("illegal move" if "off the" in str(error) else "syntax error") from None
