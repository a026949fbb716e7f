"""``tengen play``: a game against the engine in the terminal, for people without a GUI."""
from __future__ import annotations

from typing import Callable, TextIO

from gogame.board_nb import BLACK
from gogame.coords import PASS, CoordinateError, from_gtp, to_gtp
from gogame.rules import IllegalMove

from .engine import GtpEngine

HELP = ("moves: a vertex such as D4, or 'pass'; commands: 'undo' (takes back your last move and the "
        "engine's reply), 'score', 'resign', 'help', 'quit'")


def play_in_terminal(engine: GtpEngine, human: int, read: Callable[[str], str], out: TextIO) -> str:
    """Play until the game ends or the human quits; returns the result (``B+3.5``, ``W+R``, ...)."""
    game_over = ""
    out.write(f"You are {'Black' if human == BLACK else 'White'}. {HELP}\n")
    while not game_over:
        game = engine.game
        out.write(engine.cmd_showboard([]).lstrip("\n") + "\n")
        if game.is_over:
            game_over = engine.cmd_final_score([])
            break
        if game.to_move != human:
            move, _ = engine.think(game.to_move)
            if move == "resign":
                game_over = "B+R" if human == BLACK else "W+R"
                out.write("Tengen resigns.\n")
                break
            game.play(move)
            out.write(f"Tengen plays {to_gtp(move, game.size)}\n")
            continue
        try:
            text = read("your move> ").strip()
        except EOFError:
            text = "quit"
        word = text.lower()
        if word in ("quit", "exit"):
            return ""
        if word == "help":
            out.write(HELP + "\n")
        elif word == "score":
            out.write(f"score now (dead stones estimated): {engine.cmd_final_score([])}\n")
        elif word == "resign":
            game_over = "W+R" if human == BLACK else "B+R"
        elif word == "undo":
            undone = 0
            while game.moves and (undone == 0 or game.to_move != human):
                game.undo()
                undone += 1
            if not undone:
                out.write("nothing to undo\n")
        else:
            try:
                game.play(PASS if word == "pass" else from_gtp(text, game.size))
            except (IllegalMove, CoordinateError) as error:
                out.write(f"{error}\n")
    out.write(f"Result: {game_over}\n")
    return game_over
