"""The fast board: a thin Python class over the flat array of :mod:`gogame.board_nb`.

It knows stones, chains, captures and simple ko, nothing else: superko, move history, passes and
scoring rules live in :class:`gogame.game.GameState`. Playouts and search use the array directly.
"""
from __future__ import annotations

import numpy as np

from . import board_nb as nb
from .board_nb import BLACK, BORDER, EMPTY, WHITE
from .coords import check_size, point, row_col, to_gtp
from .scoring_nb import area_score_nb, region_owners_nb

STONE_CHARS = {EMPTY: ".", BLACK: "X", WHITE: "O"}
_CHAR_STONES = {".": EMPTY, "+": EMPTY, "X": BLACK, "x": BLACK, "#": BLACK, "O": WHITE, "o": WHITE}


def opponent(color: int) -> int:
    """The other colour (BLACK <-> WHITE)."""
    return 3 - color


class Board:
    """Stones on a ``size`` x ``size`` board. ``array`` is the kernel state; mutate it only
    through these methods or the kernels."""

    __slots__ = ("size", "array")

    def __init__(self, size: int, array: np.ndarray | None = None) -> None:
        self.size = check_size(size)
        if array is None:
            array = np.zeros(nb.board_length(size), np.int64)
            nb.init_board_nb(array, size)
        self.array = array

    def copy(self) -> "Board":
        """An independent copy (one memcpy)."""
        return Board(self.size, self.array.copy())

    @property
    def width(self) -> int:
        return self.size + 2

    def _field(self, field: int) -> np.ndarray:
        npts = self.width * self.width
        start = nb.HEADER + field * npts
        return self.array[start : start + npts]

    @property
    def colors(self) -> np.ndarray:
        """Colour of every padded point (a view, do not write)."""
        return self._field(nb.F_COLOR)

    def grid(self) -> np.ndarray:
        """Colours as a (size, size) int8 array, row 0 at the top."""
        w = self.width
        return self.colors.reshape(w, w)[1:-1, 1:-1].astype(np.int8)

    def color_at(self, pt: int) -> int:
        return int(self.array[nb.HEADER + nb.F_COLOR * self.width * self.width + pt])

    @property
    def ko_point(self) -> int:
        """The point the side to move may not play under simple ko (0: none)."""
        return int(self.array[nb.H_KO])

    @property
    def hash(self) -> int:
        """Zobrist hash of the stones."""
        return int(self.array[nb.H_HASH])

    @property
    def prisoners(self) -> tuple[int, int]:
        """Stones captured by (Black, White)."""
        return int(self.array[nb.H_PRISONERS_B]), int(self.array[nb.H_PRISONERS_W])

    @property
    def last_move(self) -> int:
        return int(self.array[nb.H_LAST])

    def empty_points(self) -> np.ndarray:
        """The empty on-board points, in no particular order."""
        return self._field(nb.F_EMPTY)[: self.array[nb.H_NEMPTY]].copy()

    def stone_count(self) -> tuple[int, int]:
        colors = self.colors
        return int(np.count_nonzero(colors == BLACK)), int(np.count_nonzero(colors == WHITE))

    def legal_reason(self, pt: int, color: int, allow_suicide: bool = False) -> int:
        """LEGAL, OCCUPIED, SUICIDE or KO (simple ko) for ``color`` at on-board ``pt``."""
        return int(nb.legal_reason_nb(self.array, pt, color, allow_suicide))

    def play(self, pt: int, color: int) -> int:
        """Play a move already known to be legal; returns the stones captured."""
        return int(nb.play_nb(self.array, pt, color))

    def pass_move(self) -> None:
        nb.pass_nb(self.array)

    def is_eye(self, pt: int, color: int) -> bool:
        return bool(nb.is_eye_nb(self.array, pt, color))

    def chain(self, pt: int) -> list[int]:
        """The stones of the chain through ``pt``."""
        npts = self.width * self.width
        nxt = nb.HEADER + nb.F_NEXT * npts
        stones = [pt]
        s = int(self.array[nxt + pt])
        while s != pt:
            stones.append(s)
            s = int(self.array[nxt + s])
        return stones

    def liberties(self, pt: int) -> int:
        """Exact liberty count of the chain through stone ``pt``."""
        return int(nb.chain_liberties_nb(self.array, pt, np.zeros(self.width * self.width, np.int64)))

    def area_score(self) -> int:
        """Tromp-Taylor area score, Black minus White, no komi."""
        return int(area_score_nb(self.array))

    def owners(self) -> np.ndarray:
        """Tromp-Taylor owner of every point as a (size, size) array (EMPTY: neither)."""
        owner = np.empty(self.width * self.width, np.int64)
        region_owners_nb(self.array, owner)
        return owner.reshape(self.width, self.width)[1:-1, 1:-1].copy()

    # --- ASCII, for humans and test fixtures -------------------------------------------------

    @classmethod
    def from_grid(cls, grid: np.ndarray) -> "Board":
        """A board holding the stones of a (size, size) colour array, set up in one go."""
        size = grid.shape[0]
        board = cls(size)
        for r in range(size):
            for c in range(size):
                if grid[r, c] != EMPTY:
                    board.place_setup_stone(point(r, c, size), int(grid[r, c]))
        return board

    @classmethod
    def from_ascii(cls, text: str) -> "Board":
        """A board from rows of ``X`` (Black), ``O`` (White) and ``.`` (empty), top row first;
        spaces are ignored. Stones are set up, not played: no chain may be left without liberty."""
        rows = [line.replace(" ", "") for line in text.strip().splitlines() if line.strip()]
        size = len(rows)
        grid = np.zeros((size, size), np.int8)
        for r, line in enumerate(rows):
            if len(line) != size:
                raise ValueError(f"row {r + 1} has {len(line)} points, expected {size}: {line!r}")
            for c, ch in enumerate(line):
                if ch not in _CHAR_STONES:
                    raise ValueError(f"unknown board character {ch!r} in row {r + 1}")
                grid[r, c] = _CHAR_STONES[ch]
        return cls.from_grid(grid)

    def place_setup_stone(self, pt: int, color: int) -> None:
        """Add a setup stone (not a move); raises ValueError when the point is taken or the
        stone would capture or leave a chain without liberties."""
        if self.color_at(pt) != EMPTY:
            raise ValueError(f"setup stone on an occupied point {to_gtp(pt, self.size)}")
        before = self.array.copy()
        captured = nb.place_stone_nb(self.array, pt, color)
        if captured or self.color_at(pt) != color:  # it took stones, or its own chain died
            self.array[:] = before
            raise ValueError(f"setup stone at {to_gtp(pt, self.size)} leaves a chain without liberties")

    def to_ascii(self) -> str:
        return "\n".join(" ".join(STONE_CHARS[int(v)] for v in row) for row in self.grid())

    def __repr__(self) -> str:
        return f"Board({self.size})\n{self.to_ascii()}"


__all__ = ["Board", "opponent", "BLACK", "WHITE", "EMPTY", "BORDER"]
