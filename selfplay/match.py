"""The match referee: plays games between two GTP engines and checks them move by move.

The referee keeps its own GameState, so every move is checked three ways: the engine that made
it, the opponent engine that must accept it (``play``), and the rules engine. At the end both
engines are asked for ``final_score``. Disagreements are collected, not fatal, so a match report
shows every one of them.
"""
from __future__ import annotations

import math
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from gogame.board_nb import BLACK, WHITE
from gogame.coords import CoordinateError, from_gtp, to_gtp
from gogame.game import GameState
from gogame.rules import IllegalMove, Rules
from gogame.sgf import game_to_record, write_sgf
from gtp.client import GtpClient, GtpError

COLOR_NAMES = {BLACK: "black", WHITE: "white"}


@dataclass(frozen=True)
class MatchConfig:
    """Board ``size``, the referee's ``rules`` with the komi (the engines must play by the same: GNU Go
    knows simple ko unless told otherwise, so run Tengen with ``--set rules.ko=simple`` against
    it), a move cap, where SGFs go, and an optional ``scorer``: the command line of a GTP engine
    (e.g. GNU Go) that replays each finished game and whose ``final_score`` is the result, so
    that neither player's own dead-stone judgement decides its games."""

    size: int = 9
    rules: Rules = field(default_factory=lambda: Rules(ko="simple"))
    max_moves: int | None = None
    sgf_dir: Path | None = None
    scorer: str | None = None


@dataclass
class GameReport:
    """One refereed game: result (``B+3.5``, ``W+R``, ...), the engines' own final scores and
    every disagreement found on the way."""

    black: str
    white: str
    result: str
    moves: int
    final_scores: dict[str, str] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    sgf: bytes = b""

    @property
    def winner(self) -> int:
        """BLACK, WHITE, or 0 for a tie or a void game."""
        return BLACK if self.result.startswith("B+") else (WHITE if self.result.startswith("W+") else 0)


def _start(command: str) -> GtpClient:
    return GtpClient(shlex.split(command))


def play_game(black_command: str, white_command: str, config: MatchConfig = MatchConfig(),
              on_move: Callable[[GameState], None] | None = None, opening: list[int] = ()) -> GameReport:
    """Referee one game between two engines started from their command lines; the ``opening``
    moves (points, alternating from Black) are played for both before the engines take over."""
    engines = {BLACK: _start(black_command), WHITE: _start(white_command)}
    names = {}
    try:
        for color, engine in engines.items():
            engine.send(f"boardsize {config.size}")
            engine.send("clear_board")
            engine.send(f"komi {config.rules.komi}")
            names[color] = engine.send("name")
        return _referee(engines, names, config, on_move, list(opening))
    finally:
        for engine in engines.values():
            engine.close()


def _referee(engines, names, config: MatchConfig, on_move, opening: list[int]) -> GameReport:
    game = GameState(config.size, config.rules)
    report = GameReport(names[BLACK], names[WHITE], "", 0)
    max_moves = config.max_moves or 4 * config.size * config.size
    color = BLACK
    result = ""
    for pt in opening:
        game.play(pt, color)
        vertex = to_gtp(pt, config.size)
        for engine in engines.values():
            engine.send(f"play {COLOR_NAMES[color]} {vertex}")
        color = 3 - color
    while not game.is_over and len(game.moves) < max_moves:
        name = COLOR_NAMES[color]
        try:
            reply = engines[color].send(f"genmove {name}").strip()
        except (GtpError, OSError) as error:  # an engine that fails or dies loses the game, the match goes on
            report.disagreements.append(f"move {len(game.moves) + 1}: {names[color]} gave no move ({error})")
            result = "W+F" if color == BLACK else "B+F"
            break
        if reply.lower() == "resign":
            result = "W+R" if color == BLACK else "B+R"
            break
        try:
            pt = from_gtp(reply, config.size)
            game.play(pt, color)
        except (CoordinateError, IllegalMove) as error:
            report.disagreements.append(f"move {len(game.moves) + 1}: {names[color]} played {name} {reply}, "
                                        f"which the referee rejects ({error})")
            result = "W+F" if color == BLACK else "B+F"  # forfeit
            break
        try:
            engines[3 - color].send(f"play {name} {to_gtp(pt, config.size)}")
        except (GtpError, OSError) as error:
            # the boards now differ: going on would only pile up noise, so the game is void
            report.disagreements.append(f"move {len(game.moves)}: {names[3 - color]} refused {name} {reply} ({error})")
            result = "Void"
            break
        if on_move is not None:
            on_move(game)
        color = 3 - color
    report.moves = len(game.moves)
    for side, engine in engines.items():
        try:
            report.final_scores[names[side] if names[BLACK] != names[WHITE] else COLOR_NAMES[side]] = \
                engine.send("final_score").strip()
        except (GtpError, OSError) as error:
            report.final_scores[COLOR_NAMES[side]] = f"? {error}"
    if not result and config.scorer:
        result = _score_with(config.scorer, game, config)
        report.final_scores["scorer"] = result
        disagreeing = [name for name, score in report.final_scores.items() if score[:1] != result[:1]]
        if disagreeing:
            report.disagreements.append(f"final_score differs from the scorer's {result}: {report.final_scores}")
    elif not result:
        scores = set(report.final_scores.values())
        if len(scores) != 1:
            report.disagreements.append(f"final_score differs: {report.final_scores}")
        # no scorer: the engines' scores when they agree, else the referee's area count (dead stones stay)
        result = scores.pop() if len(scores) == 1 else game.result()
    report.result = result
    record = game_to_record(game, black_name=names[BLACK], white_name=names[WHITE], result=result)
    report.sgf = write_sgf(record)
    if config.sgf_dir is not None:
        config.sgf_dir.mkdir(parents=True, exist_ok=True)
        index = len(list(config.sgf_dir.glob("game-*.sgf")))
        (config.sgf_dir / f"game-{index:05d}.sgf").write_bytes(report.sgf)
    return report


def _score_with(command: str, game: GameState, config: MatchConfig) -> str:
    """The ``final_score`` of the scorer engine after it replays ``game``."""
    scorer = _start(command)
    try:
        scorer.send(f"boardsize {config.size}")
        scorer.send("clear_board")
        scorer.send(f"komi {config.rules.komi}")
        for move in game.moves:
            scorer.send(f"play {COLOR_NAMES[move.color]} {to_gtp(move.point, config.size)}")
        return scorer.send("final_score").strip()
    finally:
        scorer.close()


def wilson_interval(wins: float, games: int, z: float = 1.96) -> tuple[float, float]:
    """95% (z = 1.96) Wilson score interval of a win rate."""
    if games == 0:
        return 0.0, 1.0
    rate = wins / games
    denominator = 1 + z * z / games
    centre = (rate + z * z / (2 * games)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / games + z * z / (4 * games * games)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class MatchSummary:
    """Wins of engine A (the first command) over ``games`` with colours alternating."""

    games: int = 0
    wins_a: float = 0.0
    reports: list[GameReport] = field(default_factory=list)

    @property
    def win_rate(self) -> float:
        return self.wins_a / self.games if self.games else 0.0

    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.wins_a, self.games)


def play_match(command_a: str, command_b: str, games: int, config: MatchConfig = MatchConfig(),
               on_game: Callable[[int, GameReport], None] | None = None) -> MatchSummary:
    """``games`` games, A taking Black in the even-numbered ones. A void game (the engines
    disagreed on a move) is reported but not counted."""
    summary = MatchSummary()
    for number in range(games):
        a_black = number % 2 == 0
        report = play_game(command_a if a_black else command_b, command_b if a_black else command_a, config)
        summary.reports.append(report)
        if report.result != "Void":
            summary.games += 1
            a_color = BLACK if a_black else WHITE
            if report.winner == a_color:
                summary.wins_a += 1
            elif report.winner == 0:
                summary.wins_a += 0.5
        if on_game is not None:
            on_game(number, report)
    return summary


__all__ = ["MatchConfig", "GameReport", "MatchSummary", "play_game", "play_match", "wilson_interval"]
