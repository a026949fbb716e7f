"""Moves left out near the root (analysis ``avoid``/``allow``): the filter's table, and the MCTS,
flat and policy searchers never creating a forbidden move at a ply the filter covers."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_gtp
from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import UniformEvaluator
from search import tree_nb as t
from search.flat import FlatConfig, FlatMonteCarlo
from search.mcts import MCTS, SearchConfig
from search.policy_player import PolicyPlayer
from search.result import MoveFilter, SearchLimits

E5, C3, D4 = (from_gtp(v, 9) for v in ("E5", "C3", "D4"))


def test_the_table_covers_each_entrys_colour_and_plies():
    table = MoveFilter(avoid=((BLACK, frozenset({E5}), 3),), allow=((WHITE, frozenset({C3, D4}), 1),)).forbidden(9)
    assert table.shape == (3, 3, 121)
    assert table[:, BLACK, E5].all() and table[:, BLACK].sum() == 3
    assert table[0, WHITE].sum() == 81 - 2 and not table[0, WHITE, C3] and not table[1:, WHITE].any()
    assert not table[:, :, PASS].any()


def test_permits_matches_the_table():
    move_filter = MoveFilter(avoid=((BLACK, frozenset({E5}), 2),), allow=((WHITE, frozenset({C3}), 1),))
    table = move_filter.forbidden(9)
    for color in (BLACK, WHITE):
        for ply in (1, 2, 3):
            for point in (E5, C3, D4, PASS):
                forbidden = ply <= table.shape[0] and table[ply - 1, color, point]
                assert move_filter.permits(color, point, ply) == (not forbidden), (color, ply, point)
    assert not MoveFilter() and MoveFilter().depth == 0 and move_filter.depth == 2


def edges_at_plies(search: MCTS, plies: int) -> dict[int, set[tuple[int, int]]]:
    """ply -> {(colour to move at the parent, move)} of every edge in the tree down to ``plies``."""
    tree, found = search.tree, {}
    level = [search.root]
    for ply in range(1, plies + 1):
        found[ply] = set()
        below = []
        for node in level:
            if tree.state[node] != t.EXPANDED:
                continue
            for e in tree.edges(node):
                found[ply].add((int(tree.to_move[node]), int(tree.move[e])))
                if tree.child[e] >= 0:
                    below.append(int(tree.child[e]))
        level = below
    return found


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_mcts_never_creates_an_avoided_move_down_to_its_depth(depth):
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=8, rollout_weight=1.0, seed=2))
    game = GameState(9, Rules(komi=7.5))
    move_filter = MoveFilter(avoid=((BLACK, frozenset({E5, C3}), depth), (WHITE, frozenset({D4}), depth)))
    search.search(game, SearchLimits(visits=1500), move_filter=move_filter)
    edges = edges_at_plies(search, 4)
    for ply, moves in edges.items():
        black = {move for color, move in moves if color == BLACK}
        white = {move for color, move in moves if color == WHITE}
        if ply <= depth:
            assert not black & {E5, C3} and D4 not in white, ply
        elif black and white:  # beyond the depth, every move is there again
            assert {E5, C3} <= black or D4 in white, ply
    assert edges[depth + 1], "the search reached below the filter's depth"


def test_a_tree_built_under_another_filter_is_not_reused():
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=8, rollout_weight=1.0, seed=2))
    game = GameState(9, Rules(komi=7.5))
    search.search(game, SearchLimits(visits=200))
    assert any(m.move == E5 for m in search.result(game, 0).moves + search.result(game, 0).unvisited)
    result = search.search(game, SearchLimits(visits=200), move_filter=MoveFilter(avoid=((BLACK, frozenset({E5}), 1),)))
    assert all(m.move != E5 for m in result.moves + result.unvisited)
    again = search.search(game, SearchLimits(visits=200))
    assert any(m.move == E5 for m in again.moves + again.unvisited) and again.visits <= 200 + 1


def test_unvisited_moves_are_the_other_legal_moves_by_prior():
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=4, rollout_weight=1.0))
    result = search.search(GameState(9, Rules(komi=7.5)), SearchLimits(visits=10))
    listed = {m.move for m in result.moves} | {m.move for m in result.unvisited}
    assert len(listed) == 82 and all(m.visits == 0 for m in result.unvisited)
    priors = [m.prior for m in result.unvisited]
    assert priors == sorted(priors, reverse=True)


@pytest.mark.parametrize("player", ["flat", "policy"])
def test_root_only_searchers_leave_the_moves_out(player):
    game = GameState(9, Rules(komi=7.5))
    allowed = frozenset({C3, D4})
    move_filter = MoveFilter(allow=((BLACK, allowed, 1),))
    if player == "flat":
        searcher = FlatMonteCarlo(FlatConfig(seed=1))
        result = searcher.search(game, SearchLimits(visits=200), move_filter=move_filter)
    else:
        result = PolicyPlayer(UniformEvaluator()).search(game, SearchLimits(visits=1), move_filter=move_filter)
    listed = {m.move for m in result.moves} | {m.move for m in result.unvisited}
    assert listed == set(allowed)
