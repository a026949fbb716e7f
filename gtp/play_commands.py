"""Playing: ``play``, ``undo`` and move generation (``genmove``, ``reg_genmove``,
``kgs-genmove_cleanup``), with the search limits of each move (``_limits``: the clock, else the
configured visits or time, else a default), resignation, and passing once the opponent has passed
into a won game. ``think`` is shared with the analysis streams and ``tengen play``.
"""
from __future__ import annotations

import time
from typing import Callable

from gogame.coords import PASS, to_gtp
from gogame.game import GameState
from gogame.rules import IllegalMove
from search.result import NO_FILTER, MoveFilter, SearchLimits, SearchResult, choose_move, lcb_choice
from search.searcher import Searcher

from .arguments import GtpFailure, parse_color, parse_vertex
from .config import DEFAULT_SECONDS_PER_MOVE, EngineConfig
from .timecontrol import TimeManager


class PlayCommands:
    """``play undo genmove reg_genmove kgs-genmove_cleanup`` and ``think``, as a mixin of
    :class:`gtp.engine.GtpEngine`. Uses the scoring family's ``_status`` (dead stones)."""

    config: EngineConfig
    size: int
    game: GameState
    searcher: Searcher
    time: TimeManager
    last_result: SearchResult | None
    log: Callable[[str], None]
    _interrupted: Callable[[], bool]

    def cmd_play(self, args: list[str]) -> str:
        if len(args) != 2:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        pt = parse_vertex(args[1], self.size)
        try:
            self.game.play(pt, color)
        except IllegalMove as error:
            self.log(str(error))
            raise GtpFailure("illegal move") from None
        return ""

    def cmd_undo(self, args: list[str]) -> str:
        if not self.game.moves:
            raise GtpFailure("cannot undo")
        try:
            self.game.undo()
        except IndexError as error:  # a setup node after moves (loadsgf): the history starts there
            self.log(str(error))
            raise GtpFailure("cannot undo") from None
        return ""

    def _limits(self, color: int) -> SearchLimits:
        per_move = self.config.time
        budget = self.time.budget(color, len(self.game.board.empty_points()))
        if budget is not None:
            seconds = budget if per_move.seconds is None else min(budget, per_move.seconds)
            return SearchLimits(visits=per_move.visits, seconds=seconds)
        if per_move.visits is not None or per_move.seconds is not None:
            return SearchLimits(visits=per_move.visits, seconds=per_move.seconds)
        return SearchLimits(seconds=DEFAULT_SECONDS_PER_MOVE)

    def _passing_wins(self, color: int) -> bool:
        """The opponent has just passed and the game, scored now (dead stones off), is ours."""
        moves = self.game.moves
        if not moves or moves[-1].point != PASS or moves[-1].color == color:
            return False
        winner = self.game.score(self._status()["dead"]).winner
        return winner == color

    def think(self, color: int, cleanup: bool = False, on_progress=None, interval: float = 1.0,
              move_filter: MoveFilter = NO_FILTER) -> tuple[int | str, SearchResult | None]:
        """Choose ``color``'s move: a point, PASS or "resign"; ``move_filter``: moves it may not
        choose or consider near the root (``avoid``/``allow`` of the genmove_analyze commands)."""
        self.game.to_move = color
        if not cleanup and not move_filter and self._passing_wins(color):
            return PASS, None
        start = time.perf_counter()
        limits = self._limits(color)
        # cleanup: dead stones must be captured on the board, so game ends count as they stand
        options = {"move_filter": move_filter} if move_filter else {}
        result = self.searcher.search(self.game, limits, should_stop=self._interrupted, on_progress=on_progress,
                                      progress_interval=interval, tromp_taylor_ends=cleanup, **options)
        self.time.charge(color, time.perf_counter() - start)
        self.last_result = result
        best = lcb_choice(result) if self.config.move_choice == "lcb" else result.best
        if best is None:
            return PASS, result
        if self.config.move_temperature > 0:
            chosen = choose_move(result, self.config.move_temperature, self.rng)
            best = next(m for m in result.moves if m.move == chosen)
        if (not cleanup and result.visits >= self.config.resign_min_visits
                and best.winrate < self.config.resign_threshold):
            return "resign", result
        return best.move, result

    def ponder(self, should_stop: Callable[[], bool]) -> SearchResult | None:
        """With ``ponder`` on and right after the engine's own move: search the opponent's
        position until ``should_stop()`` (the next command), keeping the tree, so that the next
        genmove after the opponent's reply starts from that reply's subtree. None when there is
        nothing to ponder."""
        if not self.config.ponder or self.ponder_color != self.game.to_move or self.game.is_over:
            return None
        self.ponder_color = None
        return self.searcher.search(self.game, SearchLimits(), should_stop=should_stop)

    def cmd_genmove(self, args: list[str], commit: bool, cleanup: bool = False) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        move, _ = self.think(color, cleanup)
        return self._answer_move(color, move, commit)

    def _answer_move(self, color: int, move: int | str, commit: bool) -> str:
        if move == "resign":
            return "resign"
        if commit:
            self.game.play(move, color)
            self.ponder_color = self.game.to_move
        else:
            self.game.to_move = color
        return to_gtp(move, self.size)
