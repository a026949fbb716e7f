"""``tengen play``: the terminal game against a scripted engine (its moves chosen in advance, no
search), so that every line the player sees can be checked: the board, help, turns, undo,
resignation by either side, the end by two passes and quitting."""
from __future__ import annotations

import io

import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_gtp
from tests.gtp.engines import engine as make_engine
from gtp.engine import GtpEngine
from gtp.terminal import HELP, play_in_terminal


def scripted_engine(replies: list) -> tuple[GtpEngine, list[int]]:
    """A 5x5 engine whose moves are ``replies`` in order (vertices, "pass" or "resign"); the
    returned list records the colour it was asked to think for each time."""
    engine = make_engine({"boardsize": 5, "player": "flat", "ownership_playouts": 50, "seed": 0})
    answers, asked = iter(replies), []

    def think(color, cleanup=False, **_):
        asked.append(color)
        move = next(answers)
        if move == "pass":
            return PASS, None
        return (move if move == "resign" else from_gtp(move, 5)), None

    engine.think = think
    return engine, asked


def play(engine: GtpEngine, human: int, typed: list[str]) -> tuple[str, str, list[str]]:
    """Run the game with the player typing ``typed`` (EOF after it); the result, the screen and
    the prompts shown."""
    lines, prompts = iter(typed), []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        if len(prompts) > len(typed) + 1:
            raise AssertionError("asked again after the end of input")  # EOF must end the game
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    result = play_in_terminal(engine, human, read, out)
    return result, out.getvalue(), prompts


def board(engine: GtpEngine) -> str:
    return engine.cmd_showboard([]).lstrip("\n")


def test_the_board_and_help_are_printed_without_stray_lines():
    engine, asked = scripted_engine([])
    result, screen, prompts = play(engine, BLACK, ["help", "quit"])
    empty = board(engine)
    assert empty.startswith("   A B C D E\n 5 . . . . . 5")
    assert screen == f"You are Black. {HELP}\n{empty}\n{HELP}\n{empty}\n"
    assert result == "" and prompts == ["your move> "] * 2 and asked == []


@pytest.mark.parametrize("typed", [["quit"], ["QUIT"], ["exit"], []], ids=["quit", "upper", "exit", "eof"])
def test_quitting_ends_at_once_without_a_result(typed):
    engine, _ = scripted_engine([])
    result, screen, prompts = play(engine, BLACK, typed)
    assert result == "" and len(prompts) == 1 and "Result" not in screen


def test_the_engine_moves_only_on_its_own_turn():
    engine, asked = scripted_engine(["C3", "B2"])
    result, screen, prompts = play(engine, WHITE, ["D4", "quit"])
    assert asked == [BLACK, BLACK] and len(prompts) == 2
    assert [(m.color, m.point) for m in engine.game.moves] == [(BLACK, from_gtp("C3", 5)), (WHITE, from_gtp("D4", 5)),
                                                             (BLACK, from_gtp("B2", 5))]
    assert screen.startswith(f"You are White. {HELP}\n")
    assert "Tengen plays C3\n" in screen and "Tengen plays B2\n" in screen


@pytest.mark.parametrize("human, typed, result", [(BLACK, ["C3"], "B+R"), (WHITE, [], "W+R")])
def test_the_engine_resigning_gives_the_player_the_win(human, typed, result):
    engine, asked = scripted_engine(["resign"])
    got, screen, prompts = play(engine, human, typed)
    assert got == result and asked == [3 - human]
    assert screen.endswith(f"Tengen resigns.\nResult: {result}\n")
    assert engine.game.moves == [] or [m.color for m in engine.game.moves] == [human]


@pytest.mark.parametrize("human, result", [(BLACK, "W+R"), (WHITE, "B+R")])
def test_the_player_resigning_gives_the_engine_the_win(human, result):
    engine, _ = scripted_engine(["C3"])
    got, screen, _ = play(engine, human, ["resign"])
    assert got == result and screen.endswith(f"Result: {result}\n")


def test_two_passes_end_the_game_with_the_final_score():
    engine, asked = scripted_engine(["pass"])
    result, screen, prompts = play(engine, BLACK, ["pass"])
    assert result == "W+7.5" and screen.endswith("Tengen plays pass\n" + board(engine) + "\nResult: W+7.5\n")
    assert asked == [WHITE] and len(prompts) == 1 and engine.game.is_over


def test_undo_takes_back_the_players_move_and_the_engines_reply():
    engine, asked = scripted_engine(["B2", "D4", "B4"])
    result, screen, _ = play(engine, BLACK, ["C3", "undo", "undo", "C2", "quit"])
    # the first undo takes back C3 and B2; the second finds nothing left to undo
    assert screen.count("\nnothing to undo\n") == 1
    _, screen, _ = play(scripted_engine(["B2"])[0], BLACK, ["C3", "undo", "quit"])
    assert "nothing to undo" not in screen  # an undo that took moves back says nothing
    assert [(m.color, m.point) for m in engine.game.moves] == [(BLACK, from_gtp("C2", 5)), (WHITE, from_gtp("D4", 5))]
    assert asked == [WHITE, WHITE] and result == ""


def test_undo_as_white_keeps_the_engines_first_move():
    engine, asked = scripted_engine(["C3", "B2", "D2"])
    play(engine, WHITE, ["D4", "undo", "quit"])
    assert [(m.color, m.point) for m in engine.game.moves] == [(BLACK, from_gtp("C3", 5))]
    assert engine.game.to_move == WHITE and asked == [BLACK, BLACK]
