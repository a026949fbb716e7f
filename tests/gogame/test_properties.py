"""Property tests (hypothesis): random games checked move by move against the flood-fill oracle
in ``reference.py`` and against the invariants of the incremental board."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gogame import board_nb as nb
from gogame.board_nb import BLACK, EMPTY, WHITE
from gogame.coords import PASS, all_points, row_col
from gogame.game import GameState
from gogame.rules import Rules
from gogame.symmetry import SYMMETRIES, transform_array, transform_point
from tests.gogame import reference

RULES = st.sampled_from([Rules(ko="simple"), Rules(ko="positional"), Rules(ko="situational"),
                         Rules(ko="positional", suicide=True), Rules(ko="simple", suicide=True)])
GAMES = st.tuples(st.sampled_from([2, 3, 4, 5, 7, 9]), st.integers(0, 2**32 - 1), st.integers(1, 160), RULES)


def random_game(size: int, seed: int, moves: int, rules: Rules):
    """Yield (game, point played) for up to ``moves`` random legal moves (some passes)."""
    rng = np.random.default_rng(seed)
    game = GameState(size, rules.with_changes(komi=7.5))
    for _ in range(moves):
        legal = game.legal_moves()
        pt = PASS if len(legal) == 0 or rng.random() < 0.03 else int(rng.choice(legal))
        yield game, pt


def check_chain_bookkeeping(game: GameState) -> None:
    """Heads, sizes and pseudo-liberty sums of every chain equal a recomputation."""
    board = game.board
    npts = board.width * board.width
    field = lambda f: board.array[nb.HEADER + f * npts: nb.HEADER + (f + 1) * npts]
    head, size, libs, lsum, lsum2 = (field(f) for f in (nb.F_HEAD, nb.F_SIZE, nb.F_LIBS, nb.F_LSUM, nb.F_LSUM2))
    grid = board.grid()
    for pt in all_points(game.size):
        if grid[row_col(pt, game.size)] == EMPTY:
            continue
        chain = board.chain(pt)
        stones, _ = reference.chain_and_liberties(grid, *row_col(pt, game.size))
        assert {row_col(s, game.size) for s in chain} == stones
        h = head[pt]
        assert all(head[s] == h for s in chain) and size[h] == len(chain)
        pseudo = [q for s in chain for q in (s - board.width, s - 1, s + 1, s + board.width) if board.color_at(q) == EMPTY]
        assert (libs[h], lsum[h], lsum2[h]) == (len(pseudo), sum(pseudo), sum(q * q for q in pseudo))
        assert board.liberties(pt) == len(set(pseudo))


@settings(max_examples=60, deadline=None)
@given(GAMES)
def test_moves_match_the_flood_fill_oracle(case):
    size, seed, moves, rules = case
    placed = {BLACK: 0, WHITE: 0}
    for game, pt in random_game(size, seed, moves, rules):
        before = game.board.grid()
        color = game.to_move
        game.play(pt)
        if pt == PASS:
            assert np.array_equal(game.board.grid(), before)
            continue
        placed[color] += 1
        expected = reference.apply_move(before, *row_col(pt, size), color, rules.suicide)
        assert expected is not None, "the engine allowed a move the oracle forbids"
        assert np.array_equal(game.board.grid(), expected[0])
        assert reference.chains_without_liberties(game.board.grid()) == 0
        # conservation: every stone placed is on the board or in the opponent's prisoners
        black, white = game.board.stone_count()
        taken_by_black, taken_by_white = game.board.prisoners
        assert black + taken_by_white == placed[BLACK] and white + taken_by_black == placed[WHITE]
        assert game.board.area_score() == reference.area_score(game.board.grid())
    check_chain_bookkeeping(game)


@settings(max_examples=40, deadline=None)
@given(GAMES)
def test_illegal_verdicts_match_the_oracle(case):
    size, seed, moves, rules = case
    for game, pt in random_game(size, seed, moves, rules):
        grid = game.board.grid()
        for q in all_points(size):
            reason = game.legal_reason(q)
            expected = reference.apply_move(grid, *row_col(q, size), game.to_move, rules.suicide)
            if expected is None:
                assert reason in ("occupied", "suicide")
            else:
                assert reason in (None, "ko", "superko")
        game.play(pt)


@settings(max_examples=40, deadline=None)
@given(GAMES)
def test_undo_restores_board_hash_and_history_exactly(case):
    size, seed, moves, rules = case
    states = []
    for game, pt in random_game(size, seed, moves, rules):
        states.append((game.board.array.copy(), list(game.moves), list(game._position_keys), dict(game._seen), game.to_move))
        game.play(pt)
    while game.moves:
        game.undo()
        array, moves_before, keys, seen, to_move = states.pop()
        assert np.array_equal(game.board.array, array)
        assert game.moves == moves_before and game._position_keys == keys and game._seen == seen
        assert game.to_move == to_move
    assert not states


@settings(max_examples=40, deadline=None)
@given(GAMES, st.sampled_from(SYMMETRIES))
def test_symmetry_then_play_equals_play_then_symmetry(case, k):
    size, seed, moves, rules = case
    mirrored = GameState(size, rules.with_changes(komi=7.5))
    for game, pt in random_game(size, seed, moves, rules):
        mirrored_pt = transform_point(pt, size, k)
        assert mirrored.legal_reason(mirrored_pt) == game.legal_reason(pt)
        game.play(pt)
        mirrored.play(mirrored_pt)
        assert np.array_equal(mirrored.board.grid(), transform_array(game.board.grid(), k))


@settings(max_examples=60, deadline=None)
@given(GAMES)
def test_positional_superko_forbids_every_repetition(case):
    size, seed, moves, _ = case
    seen = set()
    for game, pt in random_game(size, seed, moves * 3, Rules(ko="positional")):
        seen.add(game.board.grid().tobytes())
        game.play(pt)
        if pt != PASS:  # compare the real boards, not hashes, so a hash collision would show
            assert game.board.grid().tobytes() not in seen
