"""Batched PUCT Monte Carlo tree search (AlphaGo's asynchronous policy-and-value MCTS, made
batched): leaves are gathered under virtual loss, evaluated in one ``Evaluator`` call, optionally
mixed with rollout outcomes (AlphaGo's lambda), expanded and backed up.

The tree lives in the array pools of :mod:`search.tree_nb`; this module only drives the kernels,
keeps the root in step with the game (tree reuse), adds Dirichlet noise, and turns the root's
statistics into a :class:`SearchResult`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from common.settings import NOT_A_SETTING
from gogame import board_nb as nb
from gogame.board_nb import BLACK
from gogame.coords import PASS
from gogame.game import GameState
from gogame.ownership import OwnershipConfig, estimate_ownership
from gogame.playout_nb import make_rng_state
from gogame.rules import Rules
from nets.evaluator import Evaluator, LeafBatch

from . import tree_nb as t
from .result import NO_FILTER, MoveFilter, MoveStats, SearchLimits, SearchResult


@dataclass(frozen=True)
class SearchConfig:
    """c_puct: exploration; fpu_reduction: first-play urgency (an unvisited child is valued at
    the parent's Q minus this); batch_size: leaves per evaluator call; rollout_weight: AlphaGo's
    lambda (0 = no rollouts: leaves take the evaluator's value alone); dirichlet_alpha and
    dirichlet_epsilon: root noise for self-play (epsilon 0 = off), the concentration spread over
    the root's moves as KataGo does (each move's alpha is dirichlet_alpha / moves: 10.83 = 0.03 per
    point of 19x19); forced_playouts_k: KataGo's forced playouts at the root, a move with prior P
    gets at least sqrt(k * P * root visits) (0 = off; 2 in KataGo's self-play); node_limit: nodes in the pool
    (edges: edges_per_node times that; about 12 bytes an edge and 40 a node, used as the
    tree grows); reuse_tree: keep the subtree of the moves played."""

    c_puct: float = 1.5
    fpu_reduction: float = 0.2
    batch_size: int = 16
    rollout_weight: float = 0.5
    dirichlet_alpha: float = 0.03 * 361
    dirichlet_epsilon: float = 0.0
    forced_playouts_k: float = 0.0
    node_limit: int = 1_000_000
    edges_per_node: int = 64
    reuse_tree: bool = True
    seed: int = field(default=0, metadata=NOT_A_SETTING)

    def __post_init__(self) -> None:
        checks = [(self.c_puct >= 0, "c_puct must be at least 0"),
                  (self.fpu_reduction >= 0, "fpu_reduction must be at least 0"),
                  (self.batch_size >= 1, "batch_size must be at least 1"),
                  (0 <= self.rollout_weight <= 1, "rollout_weight must be within 0..1"),
                  (self.dirichlet_alpha > 0, "dirichlet_alpha must be positive"),
                  (0 <= self.dirichlet_epsilon <= 1, "dirichlet_epsilon must be within 0..1"),
                  (self.forced_playouts_k >= 0, "forced_playouts_k must be at least 0"),
                  (self.node_limit >= 16, "node_limit must be at least 16"),
                  (self.edges_per_node >= 1, "edges_per_node must be at least 1"),
                  (self.seed >= 0, "seed must be at least 0")]
        failed = [message for ok, message in checks if not ok]
        if failed:
            raise ValueError(f"{'; '.join(failed)} ({self})")


class Tree:
    """The node and edge pools (see :mod:`search.tree_nb` for the layout)."""

    def __init__(self, node_limit: int, edge_limit: int) -> None:
        # np.zeros maps zero pages lazily: memory is used as the tree grows, not up front
        self.parent = np.zeros(node_limit, np.int32)
        self.visits = np.zeros(node_limit, np.int32)
        self.value = np.zeros(node_limit, np.float64)
        self.vloss = np.zeros(node_limit, np.int32)
        self.first_edge = np.zeros(node_limit, np.int64)
        self.num_edges = np.zeros(node_limit, np.int32)
        self.state = np.zeros(node_limit, np.int8)
        self.to_move = np.zeros(node_limit, np.int8)
        self.move = np.zeros(edge_limit, np.int32)
        self.prior = np.zeros(edge_limit, np.float32)
        self.child = np.zeros(edge_limit, np.int32)
        self.counts = np.zeros(3, np.int64)

    @property
    def node_arrays(self):
        return (self.parent, self.visits, self.value, self.vloss, self.first_edge, self.num_edges, self.state,
                self.to_move)

    @property
    def edge_arrays(self):
        return self.move, self.prior, self.child

    def new_root(self, color: int) -> int:
        self.counts[:] = 0
        return int(t.new_node_nb(*self.node_arrays, self.counts, -1, color))

    def edges(self, node: int) -> range:
        start = int(self.first_edge[node])
        return range(start, start + int(self.num_edges[node]))

    def child_along(self, node: int, point: int) -> int:
        """The child reached by ``point`` from ``node``, or -1."""
        if self.state[node] != t.EXPANDED:
            return -1
        for e in self.edges(node):
            if self.move[e] == point:
                return int(self.child[e])
        return -1


class MCTS:
    """``search(game, limits)`` -> SearchResult for ``game.to_move``. Keeps its tree between
    calls when the new game continues the old one (tree reuse). ``rollout_weights``: the fast
    rollout policy's weights (:mod:`nets.rollout_nb` layout), as data; none: rollouts play
    capture-aware random moves."""

    def __init__(self, evaluator: Evaluator, config: SearchConfig = SearchConfig(),
                 rollout_weights: np.ndarray | None = None) -> None:
        self.evaluator = evaluator
        self.config = config
        self.policy_weights = (np.empty(0, np.float64) if rollout_weights is None
                               else np.ascontiguousarray(rollout_weights, np.float64))
        self.tree = Tree(config.node_limit, config.node_limit * config.edges_per_node)
        self.rng = np.random.default_rng(config.seed)
        self.rng_state = make_rng_state(config.seed)
        self.root = -1
        self.root_game: GameState | None = None
        # how the current search values game ends (see search()), and how the kept tree's were
        self.tromp_taylor_ends = False
        self._tree_tromp_taylor = False
        self.ownership_sum: np.ndarray | None = None
        self.ownership_count = 0
        self.root_plan = np.empty(0, np.int64)  # see plan_root()
        self.move_filter = NO_FILTER  # the current search's (see search()), and the kept tree's
        self._tree_filter = NO_FILTER
        self._forbidden = np.zeros((0, 3, 0), bool)

    # --- keeping the root in step with the game ---------------------------------------------

    def _position_key(self, game: GameState) -> tuple:
        return (game.size, game.rules, tuple(game.setup_black), tuple(game.setup_white), game.handicap,
                tuple(game.setup_changes))  # komi in rules

    def _place_root(self, game: GameState) -> None:
        """Reuse the subtree for ``game`` when it continues the last searched game, else start afresh."""
        old = self.root_game
        reused = False
        if (self.config.reuse_tree and old is not None and self.root >= 0
                and self._tree_tromp_taylor == self.tromp_taylor_ends  # game ends were valued alike
                and self._tree_filter == self.move_filter  # and the same moves were left out
                and self._position_key(old) == self._position_key(game)
                and game.moves[: len(old.moves)] == old.moves):
            node = self.root
            for played in game.moves[len(old.moves):]:
                node = self.tree.child_along(node, played.point) if node >= 0 else -1
            if node >= 0 and int(self.tree.to_move[node]) == game.to_move and self._edges_legal(node, game):
                self._compact(node)
                reused = True
        if not reused:
            self._tree_tromp_taylor = self.tromp_taylor_ends
            self._tree_filter = self.move_filter
            self.root = self.tree.new_root(game.to_move)
            self.ownership_sum = None
            self.ownership_count = 0
        self.root_game = game.copy()

    def _edges_legal(self, node: int, game: GameState) -> bool:
        """True when every move out of ``node`` is legal in ``game`` (superko included): the tree
        below the root knows simple ko only, so a reused root must be checked."""
        if self.tree.state[node] != t.EXPANDED:
            return True
        legal = set(int(p) for p in game.legal_moves()) | {PASS}
        return all(int(self.tree.move[e]) in legal for e in self.tree.edges(node))

    def _compact(self, node: int) -> None:
        """Make ``node`` the root, dropping every node outside its subtree."""
        fresh = Tree(len(self.tree.parent), len(self.tree.move))
        t.compact_nb(*self.tree.node_arrays, *self.tree.edge_arrays, self.tree.counts, node,
                     *fresh.node_arrays, *fresh.edge_arrays, fresh.counts)
        self.tree = fresh
        self.root = 0

    # --- the search -------------------------------------------------------------------------

    def _root_moves(self, game: GameState) -> np.ndarray:
        moves = game.legal_moves()  # superko-aware: the tree below the root uses simple ko
        if self._forbidden.shape[0]:
            moves = moves[~self._forbidden[0, game.to_move][moves]]
        return moves

    def _evaluate(self, game: GameState, boards: np.ndarray, colors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Evaluator priors and values for the leaves; ``boards`` are consumed by the rollouts."""
        priors, values = self.evaluator.evaluate_batch(LeafBatch.for_game(game, boards, colors))
        return priors, self._mix_rollouts(game, boards, colors, values)

    def _mix_rollouts(self, game: GameState, boards: np.ndarray, colors: np.ndarray, values: np.ndarray) -> np.ndarray:
        values = values.astype(np.float64)
        weight = self.config.rollout_weight
        if not self.evaluator.value_applies(game.size, game.white_bonus()):
            weight = 1.0  # the value network knows neither this komi nor this board size
        if weight > 0:
            if self.ownership_sum is None:
                self.ownership_sum = np.zeros((game.size + 2) ** 2, np.float64)
            t.rollout_mix_nb(boards, colors, game.white_bonus(), game.territory_scoring, self.rng_state, values,
                             weight, self.ownership_sum, self.policy_weights)
            self.ownership_count += len(values)
        return values

    def _expand_root(self, game: GameState) -> None:
        if self.tree.state[self.root] == t.EXPANDED:
            return
        boards = game.board.array[None, :].copy()
        colors = np.array([game.to_move], np.int64)
        priors, values = self._evaluate(game, boards.copy(), colors)
        self._expand_root_with(game, priors, values)

    def root_expanded(self) -> bool:
        return bool(self.tree.state[self.root] == t.EXPANDED)

    def _expand_root_with(self, game: GameState, priors: np.ndarray, values: np.ndarray) -> None:
        """Expand the root with the evaluator's priors (1, A) and its (mixed) value (1,)."""
        tree = self.tree
        allowed = self._root_moves(game)
        if len(allowed) == 0:
            allowed = np.array([-1], np.int64)  # only pass: no point matches -1
        t.expand_nb(tree.first_edge, tree.num_edges, tree.state, tree.move, tree.prior, tree.child, tree.counts,
                    self.root, game.board.array, game.to_move, priors[0].astype(np.float64), game.rules.suicide,
                    allowed.astype(np.int64), np.empty(0, np.bool_))
        t.backup_nb(tree.parent, tree.visits, tree.value, tree.vloss, self.root, float(values[0]))

    def _add_noise(self) -> None:
        if self.config.dirichlet_epsilon <= 0:
            return
        edges = self.tree.edges(self.root)
        noise = self.rng.dirichlet([self.config.dirichlet_alpha / len(edges)] * len(edges))
        eps = self.config.dirichlet_epsilon
        self.tree.prior[edges.start:edges.stop] = (1 - eps) * self.tree.prior[edges.start:edges.stop] + eps * noise

    def search(self, game: GameState, limits: SearchLimits, should_stop: Callable[[], bool] = lambda: False,
               on_progress: Callable[[SearchResult], None] | None = None, progress_interval: float = 1.0,
               tromp_taylor_ends: bool = False, move_filter: MoveFilter = NO_FILTER) -> SearchResult:
        """Search from ``game`` until a limit or ``should_stop()``; ``limits.visits`` counts
        simulations of this call (the reused subtree's visits are kept on top).
        ``move_filter``: moves left out near the root (analysis ``avoid``/``allow``); a tree
        built under another filter is not reused.
        ``tromp_taylor_ends``: score every game end as the stones stand (GTP
        kgs-genmove_cleanup, where dead stones must be captured on the board rather than assumed
        to come off; see :mod:`search.tree_nb`); a tree valued the other way is not reused."""
        start = time.perf_counter()
        self.begin(game, tromp_taylor_ends, move_filter)
        done = 0
        last_report = start
        while True:
            if limits.visits is not None and done >= limits.visits:
                break
            if limits.seconds is not None and time.perf_counter() - start >= limits.seconds:
                break
            if should_stop() or self.tree.counts[2]:
                break
            want = self.config.batch_size if limits.visits is None else min(self.config.batch_size, limits.visits - done)
            count, finished = self.select(game, want)
            if count:
                priors, values = self._evaluate(game, self.boards[:count].copy(), self.colors[:count])
                self.finish(game, count, priors, values)
            elif finished == 0:
                break  # nothing selectable (pool full or every path pending)
            done += count + finished
            now = time.perf_counter()
            if on_progress is not None and now - last_report >= progress_interval:
                last_report = now
                on_progress(self.result(game, now - start))
        return self.result(game, time.perf_counter() - start)

    # the three steps of a round, apart so that search_many can batch several trees together

    def begin(self, game: GameState, tromp_taylor_ends: bool = False, move_filter: MoveFilter = NO_FILTER,
              expand: bool = True) -> None:
        """Place and expand the root (reusing the tree when it continues), add root noise.
        ``expand=False``: the caller expands the root (``_expand_root_with``) and adds the noise,
        as search_many does for all its roots in one evaluator call."""
        self.tromp_taylor_ends = tromp_taylor_ends
        self.move_filter = move_filter
        self._forbidden = move_filter.forbidden(game.size) if move_filter else np.zeros((0, 3, 0), bool)
        self._place_root(game)
        if expand:
            self._expand_root(game)
            self._add_noise()
        length = game.board.array.shape[0]
        self.boards = np.empty((self.config.batch_size, length), np.int64)
        self.nodes = np.empty(self.config.batch_size, np.int64)
        self.colors = np.empty(self.config.batch_size, np.int64)

    def select(self, game: GameState, want: int) -> tuple[int, int]:
        """Gather up to ``want`` (at most ``batch_size``) leaves into ``boards/nodes/colors``:
        (leaves, terminal sims)."""
        tree, config = self.tree, self.config
        want = min(want, self.boards.shape[0])  # the leaf buffers hold batch_size boards
        return t.select_batch_nb(*tree.node_arrays, *tree.edge_arrays, tree.counts, self.root, game.board.array,
                                 game.consecutive_passes, want, config.c_puct, config.fpu_reduction,
                                 game.white_bonus(), game.territory_scoring, self.boards, self.nodes, self.colors,
                                 self.tromp_taylor_ends, config.forced_playouts_k, self.root_plan)

    def plan_root(self, edges: np.ndarray) -> None:
        """The root move each descent of the next ``select`` takes: ``edges[i]``, an offset into
        the root's edges (:meth:`root_edges`), for descent ``i``; -1 or beyond the plan: PUCT.
        How a Gumbel root spends its simulations (:mod:`search.gumbel`)."""
        self.root_plan = np.ascontiguousarray(edges, np.int64)

    def root_value(self) -> float:
        """The root's mean value from the side to move's view (-1..1; 0 before any visit)."""
        n = int(self.tree.visits[self.root])
        return -float(self.tree.value[self.root]) / n if n else 0.0

    def root_edges(self) -> list[tuple[int, float, int, float]]:
        """The root's moves in edge order: (point, prior, visits, Q from the mover's view or
        nan when unvisited)."""
        tree = self.tree
        rows = []
        for e in tree.edges(self.root):
            c = int(tree.child[e])
            n = int(tree.visits[c]) if c >= 0 else 0
            rows.append((int(tree.move[e]), float(tree.prior[e]), n, float(tree.value[c]) / n if n else math.nan))
        return rows

    def finish(self, game: GameState, count: int, priors: np.ndarray, values: np.ndarray) -> None:
        """Expand the gathered leaves with their priors and back their values up."""
        tree = self.tree
        t.expand_and_backup_nb(tree.parent, tree.visits, tree.value, tree.vloss, tree.first_edge, tree.num_edges,
                               tree.state, tree.move, tree.prior, tree.child, tree.counts, self.nodes[:count],
                               self.boards[:count], self.colors[:count], priors.astype(np.float64), values,
                               game.rules.suicide, self._forbidden)

    def warm_up(self) -> None:
        """Compile (or load from the numba cache) every kernel on a tiny board."""
        tiny = GameState(5, Rules(komi=0.5))
        MCTS(self.evaluator, SearchConfig(batch_size=2, node_limit=4096)).search(tiny, SearchLimits(visits=8))

    # --- results ----------------------------------------------------------------------------

    def principal_variation(self, node: int, limit: int = 30) -> list[int]:
        """Most visited moves from ``node`` down."""
        return [move for move, _visits in self._pv_nodes(node, limit)]

    def _pv_nodes(self, node: int, limit: int = 30) -> list[tuple[int, int]]:
        """(move, visits of the node it leads to) along the most visited path from ``node``."""
        pv: list[tuple[int, int]] = []
        while len(pv) < limit and self.tree.state[node] == t.EXPANDED:
            best, best_visits = -1, 0
            for e in self.tree.edges(node):
                c = int(self.tree.child[e])
                if c >= 0 and self.tree.visits[c] > best_visits:
                    best, best_visits = e, int(self.tree.visits[c])
            if best < 0:
                break
            pv.append((int(self.tree.move[best]), best_visits))
            node = int(self.tree.child[best])
        return pv

    def result(self, game: GameState, seconds: float, pv_moves: int = 10) -> SearchResult:
        """The root's statistics, best first; principal variations for the ``pv_moves`` most
        visited moves (the others get their own move only)."""
        tree = self.tree
        stats = []
        unvisited = []
        for e in tree.edges(self.root):
            c = int(tree.child[e])
            n = int(tree.visits[c]) if c >= 0 else 0
            if n == 0:
                unvisited.append(MoveStats(int(tree.move[e]), 0, 0.0, float(tree.prior[e]), 0.0, [int(tree.move[e])], pv_visits=[0]))
                continue
            q = float(tree.value[c]) / n
            winrate = (q + 1) / 2
            spread = math.sqrt(max(winrate * (1 - winrate), 0.25 / n) / n)
            stats.append((MoveStats(int(tree.move[e]), n, winrate, float(tree.prior[e]), winrate - 1.96 * spread,
                                    [int(tree.move[e])]), c))
        # a proven loss (a game end scored exactly against the mover) ranks below every other move
        stats.sort(key=lambda item: (not t.proven_loss_nb(tree.state, tree.visits, tree.value, item[1]),
                                     item[0].visits, item[0].winrate), reverse=True)
        for stat, child in stats:
            stat.pv_visits = [stat.visits]
        for stat, child in stats[:pv_moves]:
            below = self._pv_nodes(child)
            stat.pv += [move for move, _ in below]
            stat.pv_visits += [visits for _, visits in below]
        moves = [stat for stat, _ in stats]
        unvisited.sort(key=lambda stat: stat.prior, reverse=True)
        root_visits = int(tree.visits[self.root])
        root_q = -float(tree.value[self.root]) / root_visits if root_visits else 0.0
        if "score" in getattr(self.evaluator, "heads", ()):
            return self._with_heads(game, moves, SearchResult(
                game.to_move, moves, int(sum(s.visits for s in moves)), (root_q + 1) / 2, None, seconds,
                unvisited=unvisited))
        return SearchResult(game.to_move, moves, int(sum(s.visits for s in moves)), (root_q + 1) / 2,
                            self.ownership(game), seconds, unvisited=unvisited)

    def _with_heads(self, game: GameState, shown: list[MoveStats], result: SearchResult) -> SearchResult:
        """The network's ownership and score at the root, and each visited move's score lead (the
        network's score of the position after it, turned to the mover's view), in one call."""
        boards = [game.board.array.copy()]
        for stat in shown:
            board = game.board.array.copy()
            if stat.move == PASS:
                nb.pass_nb(board)
            else:
                nb.play_nb(board, stat.move, game.to_move)
            boards.append(board)
        colors = np.array([game.to_move] + [3 - game.to_move] * len(shown), np.int64)
        heads = self.evaluator.evaluate_heads(LeafBatch.for_game(game, np.stack(boards), colors))
        sign = 1.0 if game.to_move == BLACK else -1.0
        for i, stat in enumerate(shown):
            stat.score_lead = -float(heads["score_mean"][i + 1])
            stat.ownership = -sign * heads["ownership"][i + 1].astype(np.float64)  # the mover's opponent's view, to Black's
        result.ownership = sign * heads["ownership"][0].astype(np.float64)
        result.score_lead = float(heads["score_mean"][0])
        result.score_stdev = float(heads["score_stdev"][0])
        return result

    def ownership(self, game: GameState) -> np.ndarray:
        """Mean final owner per point (Black +1) from the rollouts, or a short Monte Carlo
        estimate when the search ran none."""
        width = game.size + 2
        if self.ownership_sum is not None and self.ownership_count:
            return (self.ownership_sum / self.ownership_count).reshape(width, width)[1:-1, 1:-1].copy()
        return estimate_ownership(game, OwnershipConfig(playouts=64, seed=self.config.seed))




def search_many(searches: list[MCTS], games: list[GameState], visits: int | list[int],
                move_filters: list[MoveFilter] | None = None, should_stop: Callable[[], bool] | None = None,
                done_out: list[int] | None = None) -> list[SearchResult]:
    """Search several games at once for ``visits`` simulations each (one count, or one per game),
    every round's leaves of all of them evaluated in one call of the (shared) evaluator: how
    self-play keeps a GPU busy when each game's own batch is small. Games must share board size
    and scoring (komi, handicap compensation, area or territory). ``move_filters``: each search's
    moves left out (analysis); ``should_stop()``, polled each round, ends all of them early (the
    trees are kept: searching the same games again continues them); ``done_out`` receives each
    search's simulations of this call (its full count once it can go no further)."""
    targets = list(visits) if isinstance(visits, list) else [visits] * len(games)
    evaluator = searches[0].evaluator
    if any(s.evaluator is not evaluator for s in searches):
        raise ValueError("search_many needs one evaluator shared by every search")
    if len({(g.size, g.white_bonus(), g.territory_scoring) for g in games}) != 1:
        raise ValueError("search_many needs games of one board size and scoring (komi, compensation, rules)")
    start = time.perf_counter()
    for i, (search, game) in enumerate(zip(searches, games)):
        search.begin(game, move_filter=move_filters[i] if move_filters else NO_FILTER, expand=False)
    fresh = [i for i, search in enumerate(searches) if not search.root_expanded()]
    if fresh:  # every new root in one evaluator call
        boards = np.stack([games[i].board.array for i in fresh])
        colors = np.array([games[i].to_move for i in fresh], np.int64)
        priors, values = evaluator.evaluate_batch(LeafBatch.for_game(games[fresh[0]], boards.copy(), colors))
        for row, i in enumerate(fresh):
            mixed = searches[i]._mix_rollouts(games[i], boards[row:row + 1].copy(), colors[row:row + 1],
                                              values[row:row + 1])
            searches[i]._expand_root_with(games[i], priors[row:row + 1], mixed)
    for search in searches:
        search._add_noise()
    done = [0] * len(games)
    while should_stop is None or not should_stop():
        active, boards, colors, counts = [], [], [], []
        for i, (search, game) in enumerate(zip(searches, games)):
            if search.tree.counts[2]:
                done[i] = max(done[i], targets[i])  # the pool is full: this search is over
            if done[i] >= targets[i]:
                continue
            count, finished = search.select(game, min(search.config.batch_size, targets[i] - done[i]))
            done[i] += count + finished
            if count == 0 and finished == 0:
                done[i] = targets[i]  # nothing selectable: this search is over
            if count:
                active.append(i)
                counts.append(count)
                boards.append(search.boards[:count].copy())
                colors.append(search.colors[:count])
        if not active:
            break
        game = games[active[0]]
        priors, values = evaluator.evaluate_batch(LeafBatch.for_game(game, np.concatenate(boards),
                                                                     np.concatenate(colors)))
        offset = 0
        for i, count, leaf_boards, leaf_colors in zip(active, counts, boards, colors):
            part = slice(offset, offset + count)
            mixed = searches[i]._mix_rollouts(games[i], leaf_boards, leaf_colors, values[part])
            searches[i].finish(games[i], count, priors[part], mixed)
            offset += count
    if done_out is not None:
        done_out[:] = done
    seconds = time.perf_counter() - start
    return [search.result(game, seconds) for search, game in zip(searches, games)]
