"""Every coordinate system of the project, and the only place that converts between them.

=================  ===========================  ==========================================
system             example (9x9)                definition
=================  ===========================  ==========================================
point              ``12`` (A9), ``0`` = pass    index into the padded board of width
                                                ``W = size + 2``: ``(row + 1) * W + col + 1``;
                                                the border ring is never a move, so ``0``
                                                (a border point) doubles as *pass*
(row, col)         ``(0, 0)`` = A9               row 0 is the **top** row, col 0 is column A
policy index       ``0`` = A9, ``81`` = pass     ``row * size + col``; pass is ``size * size``
GTP vertex         ``"A9"``, ``"pass"``          column letter A..Z without I, then the row
                                                number counted from the **bottom** (A1 is the
                                                bottom-left corner); case-insensitive
SGF point          ``"aa"`` = A9, ``""`` = pass  column letter then row letter, both from
                                                the top-left corner; ``"tt"`` is read as a
                                                pass on boards up to 19x19
=================  ===========================  ==========================================

Rows counted from the top match SGF and numpy image layout (planes are ``[row, col]``), so only
GTP turns the row around. Functions raise :class:`CoordinateError` (a ``ValueError``) with the
offending text on malformed or off-board input.
"""
from __future__ import annotations

PASS = 0
"""The point (and move) that means pass."""

MIN_SIZE = 2
MAX_SIZE = 25
GTP_COLUMNS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # no I, as GTP and every GUI spell it


class CoordinateError(ValueError):
    """A coordinate that is malformed or lies off the board."""


def check_size(size: int) -> int:
    """Return ``size`` if it is a supported board size (2..25), else raise ``ValueError``."""
    if not isinstance(size, int) or isinstance(size, bool) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"board size {size!r} is out of range: sizes {MIN_SIZE}..{MAX_SIZE} are supported")
    return size


def width(size: int) -> int:
    """Padded board width for ``size`` (one border column on each side)."""
    return size + 2


def point(row: int, col: int, size: int) -> int:
    """(row, col) -> padded point; raises CoordinateError when off the board."""
    if not (0 <= row < size and 0 <= col < size):
        raise CoordinateError(f"({row}, {col}) is off the {size}x{size} board")
    return (row + 1) * (size + 2) + col + 1


def row_col(pt: int, size: int) -> tuple[int, int]:
    """Padded point -> (row, col); raises CoordinateError for pass and border points."""
    w = size + 2
    row, col = divmod(pt, w)
    if not (1 <= row <= size and 1 <= col <= size):
        raise CoordinateError(f"point {pt} is not on the {size}x{size} board")
    return row - 1, col - 1


def on_board(pt: int, size: int) -> bool:
    """True when the padded point is a real intersection (not pass or border)."""
    w = size + 2
    row, col = divmod(pt, w)
    return 1 <= row <= size and 1 <= col <= size


def all_points(size: int) -> list[int]:
    """Every on-board point in policy-index order."""
    return [point(r, c, size) for r in range(size) for c in range(size)]


def to_policy_index(pt: int, size: int) -> int:
    """Padded point (or PASS) -> policy index (pass = size*size)."""
    if pt == PASS:
        return size * size
    row, col = row_col(pt, size)
    return row * size + col


def from_policy_index(index: int, size: int) -> int:
    """Policy index -> padded point (size*size -> PASS)."""
    if index == size * size:
        return PASS
    if not 0 <= index < size * size:
        raise CoordinateError(f"policy index {index} is out of range for {size}x{size}")
    row, col = divmod(index, size)
    return point(row, col, size)


def to_gtp(pt: int, size: int) -> str:
    """Padded point -> GTP vertex such as ``"D4"`` or ``"pass"``."""
    if pt == PASS:
        return "pass"
    row, col = row_col(pt, size)
    return f"{GTP_COLUMNS[col]}{size - row}"


def from_gtp(vertex: str, size: int) -> int:
    """GTP vertex (case-insensitive, ``pass`` allowed) -> padded point."""
    text = vertex.strip().upper()
    if text == "PASS":
        return PASS
    if len(text) < 2 or text[0] not in GTP_COLUMNS or not text[1:].isdigit():
        raise CoordinateError(f"malformed vertex {vertex!r}")
    col = GTP_COLUMNS.index(text[0])
    number = int(text[1:])
    if not (1 <= number <= size and col < size):
        raise CoordinateError(f"vertex {vertex!r} is off the {size}x{size} board")
    return point(size - number, col, size)


def to_sgf(pt: int, size: int) -> str:
    """Padded point -> SGF point such as ``"dd"`` (pass -> ``""``)."""
    if pt == PASS:
        return ""
    row, col = row_col(pt, size)
    return "abcdefghijklmnopqrstuvwxyz"[col] + "abcdefghijklmnopqrstuvwxyz"[row]


def from_sgf(text: str, size: int) -> int:
    """SGF point -> padded point; ``""`` and (up to 19x19) ``"tt"`` are pass."""
    if text == "" or (text == "tt" and size <= 19):
        return PASS
    if len(text) != 2 or not text.isalpha() or not text.islower():
        raise CoordinateError(f"malformed SGF point {text!r}")
    col = ord(text[0]) - ord("a")
    row = ord(text[1]) - ord("a")
    if not (row < size and col < size):
        raise CoordinateError(f"SGF point {text!r} is off the {size}x{size} board")
    return point(row, col, size)
