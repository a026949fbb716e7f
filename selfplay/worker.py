"""A self-play worker: ``games_per_thread`` games searched together, every round's leaves of all of
them evaluated in one evaluator call, each finished game handed over as a
:class:`selfplay.records.GameRecord`.

Per move (:class:`selfplay.config.SelfPlayConfig`): playout cap randomisation picks a full or a
cheap search; a full PUCT search adds Dirichlet noise and forced playouts and its target is the
pruned visit distribution (:mod:`selfplay.targets`); a Gumbel root runs sequential halving and
its target is the improved policy (:mod:`search.gumbel`). The move is drawn by visit temperature
for the first ``temperature_moves`` moves, then the most visited (a Gumbel root plays its own
choice). Resignation, with a fraction of games that never resign and record when they would have.
At the end, dead stones are settled as GTP's ``final_score`` settles them
(:func:`gogame.ownership.final_status`), and the final owners and margin of that count are every
position's ownership and score targets.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import numpy as np

from gogame.board import Board
from gogame.board_nb import BLACK, EMPTY, WHITE
from gogame.coords import row_col, to_policy_index
from gogame.features import feature_set
from gogame.game import GameState, Score
from gogame.handicap import fixed_handicap_points, max_fixed_handicap
from gogame.ownership import OwnershipConfig, final_status
from gogame.sgf import game_to_record, write_sgf
from nets.evaluator import Evaluator, LeafBatch
from search.gumbel import GumbelRoot
from search.mcts import MCTS
from search.result import choose_move

from .config import SelfPlayConfig
from .records import GameRecord
from .targets import dense_policy, prune_forced_visits


@dataclass
class _Slot:
    """One game in progress and its search."""

    game_id: int
    game: GameState
    search: MCTS
    rng: np.random.Generator
    no_resign: bool
    rows: list[dict] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)
    low_streak: dict[int, int] = field(default_factory=lambda: {BLACK: 0, WHITE: 0})
    would_resign: int = EMPTY
    resigned: int = EMPTY
    # the move being searched
    full: bool = False
    target: int = 0
    done: int = 0
    gumbel: GumbelRoot | None = None
    searching: bool = False
    started: float = 0.0


def start_game(config: SelfPlayConfig, game_id: int) -> tuple[GameState, np.random.Generator, bool]:
    """Game ``game_id``'s start (komi drawn, handicap stones placed), its random generator (from
    the run's seed and the id, so a replayed game is the same game) and whether it never resigns."""
    rng = np.random.default_rng([config.seed, game_id])
    setup = config.game
    handicap = 0
    if setup.handicap_fraction > 0 and rng.random() < setup.handicap_fraction:
        top = min(setup.max_handicap, max_fixed_handicap(config.size))
        handicap = int(rng.integers(2, top + 1)) if top >= 2 else 0
    if handicap:
        komi = setup.handicap_komi
    else:
        komi = setup.komi_mean + (rng.normal(0, setup.komi_stdev) if setup.komi_stdev > 0 else 0.0)
        komi = round(komi * 2) / 2
    game = GameState(config.size, setup.rules.with_changes(komi=komi))
    if handicap:
        game.place_handicap(fixed_handicap_points(handicap, config.size))
    return game, rng, bool(rng.random() < config.resign.no_resign_fraction)


def final_targets(game: GameState, playouts: int, seed: int) -> tuple[np.ndarray, Score]:
    """Final ownership ((size, size) int8, +1 Black, -1 White, 0 neither) and margin (Black
    minus White, komi and compensation included, as a :class:`gogame.game.Score`) of ``game``, with its dead stones taken off as
    ``final_score`` takes them off. Under area scoring the margin is the ownership's sum minus
    :meth:`GameState.white_bonus`."""
    dead = final_status(game, OwnershipConfig(playouts=playouts, seed=seed))["dead"]
    grid = game.board.grid()
    for pt in dead:
        grid[row_col(pt, game.size)] = EMPTY
    owners = Board.from_grid(grid).owners()
    ownership = np.where(owners == BLACK, 1, np.where(owners == WHITE, -1, 0)).astype(np.int8)
    return ownership, game.score(dead)


class SelfPlayWorker:
    """Plays the games whose ids ``next_id()`` hands out (None: no more) and gives each finished
    one to ``on_game``. ``evaluator``: any :class:`nets.evaluator.Evaluator` (a shared
    :class:`selfplay.inference.BatchingEvaluator` when several workers run). ``should_stop()``
    ends the worker after the current round (the games in progress are dropped). Counters:
    ``simulations``, ``moves``, ``evaluations``, ``leaves``."""

    def __init__(self, config: SelfPlayConfig, evaluator: Evaluator, next_id: Callable[[], int | None],
                 on_game: Callable[[GameRecord], None], rollout_weights: np.ndarray | None = None,
                 should_stop: Callable[[], bool] = lambda: False, meta: dict | None = None) -> None:
        self.config = config
        self.evaluator = evaluator
        self.next_id = next_id
        self.on_game = on_game
        self.rollout_weights = rollout_weights
        self.should_stop = should_stop
        self.features = feature_set(config.feature_set)
        self.cheap_search = replace(config.search, dirichlet_epsilon=0.0, forced_playouts_k=0.0)
        self.komi_blind = bool(getattr(evaluator, "komi_blind", False))
        self.asynchronous = hasattr(evaluator, "submit")  # a network owner: submit(batch), later result(handle)
        self.simulations = 0
        self.moves = 0
        self.evaluations = 0
        self.leaves = 0
        self.slots: list[_Slot] = []

    # --- games ---------------------------------------------------------------------------------

    def _open(self) -> _Slot | None:
        game_id = self.next_id()
        if game_id is None:
            return None
        game, rng, no_resign = start_game(self.config, game_id)
        search = MCTS(self.evaluator, replace(self.config.search, seed=int(rng.integers(2**31))), self.rollout_weights)
        search.rng = rng
        return _Slot(game_id, game, search, rng, no_resign)

    def _start_move(self, slot: _Slot) -> None:
        cap = self.config.playouts
        slot.full = cap.full_fraction >= 1 or slot.rng.random() < cap.full_fraction
        slot.target = cap.full_visits if slot.full else cap.cheap_visits
        slot.search.config = self.config.search if slot.full else self.cheap_search
        if self.config.root == "gumbel":
            slot.search.config = replace(slot.search.config, dirichlet_epsilon=0.0, forced_playouts_k=0.0)
        slot.search.begin(slot.game)
        slot.done = 0
        slot.gumbel = None
        if self.config.root == "gumbel":
            slot.gumbel = GumbelRoot(slot.search.root_edges(), slot.target, self.config.gumbel, slot.rng,
                                     slot.search.root_value())
        slot.searching = True
        slot.started = time.perf_counter()

    def _policy_target(self, slot: _Slot) -> np.ndarray:
        rows = slot.search.root_edges()
        points = np.array([r[0] for r in rows], np.int64)
        if slot.gumbel is not None:
            slot.gumbel.update(rows, 0)
            return dense_policy(points, slot.gumbel.improved_policy(), self.config.size)
        visits = np.array([r[2] for r in rows], np.int64)
        if visits.sum() == 0:  # no simulation (a full node pool): the priors are all there is
            return dense_policy(points, np.array([r[1] for r in rows]), self.config.size)
        if slot.full and self.config.search.forced_playouts_k > 0:
            priors = np.array([r[1] for r in rows], np.float64)
            q = np.nan_to_num(np.array([r[3] for r in rows], np.float64), nan=0.0)
            visits = prune_forced_visits(priors, visits, q, self.config.search.c_puct,
                                         self.config.search.forced_playouts_k)
        return dense_policy(points, visits, self.config.size)

    def _finish_move(self, slot: _Slot) -> None:
        slot.searching = False
        game, config = slot.game, self.config
        result = slot.search.result(game, time.perf_counter() - slot.started, pv_moves=0)
        policy = self._policy_target(slot)
        if slot.gumbel is not None:
            move = slot.gumbel.choice()
        else:
            temperature = config.temperature if len(game.moves) < config.temperature_moves else 0.0
            move = choose_move(result, temperature, slot.rng)
        color = game.to_move
        planes = self.features.extract(game).astype(bool)
        slot.rows.append({"move_number": len(game.moves), "to_move": color, "stones": game.board.grid(),
                          "planes": np.packbits(planes.reshape(-1)), "policy": policy, "full_search": slot.full,
                          "visits": slot.done, "winrate": result.winrate, "move": to_policy_index(move, config.size)})
        slot.comments[len(game.moves)] = (f"winrate {result.winrate:.3f} ({'B' if color == BLACK else 'W'} to move), "
                                          f"{slot.done} visits{', full search' if slot.full else ''}")
        self.moves += 1
        if result.winrate < config.resign.threshold:
            slot.low_streak[color] += 1
        else:
            slot.low_streak[color] = 0
        if slot.low_streak[color] >= config.resign.consecutive and config.resign.threshold > 0:
            if slot.no_resign:
                if slot.would_resign == EMPTY:
                    slot.would_resign = color
            else:
                slot.resigned = color
                game.resign(color)
                return
        game.play(move)

    def _is_finished(self, slot: _Slot) -> bool:
        return slot.game.is_over or len(slot.game.moves) >= self.config.move_limit

    def _record(self, slot: _Slot) -> GameRecord:
        game, config = slot.game, self.config
        ownership, score = final_targets(game, config.ownership_playouts, config.seed + slot.game_id)
        margin = float(score.margin)
        if slot.resigned != EMPTY:
            winner = WHITE if slot.resigned == BLACK else BLACK
            result = game.result()
        else:
            winner, result = score.winner, score.result()
        signed = {BLACK: 1.0, WHITE: -1.0, EMPTY: 0.0}[winner]
        rows = slot.rows
        count = len(rows)
        size = config.size
        arrays = {
            "game_id": np.full(count, slot.game_id, np.int64),
            "move_number": np.array([r["move_number"] for r in rows], np.int16),
            "to_move": np.array([r["to_move"] for r in rows], np.int8),
            "stones": np.array([r["stones"] for r in rows], np.int8).reshape(count, size, size),
            "planes": np.array([r["planes"] for r in rows], np.uint8).reshape(count, -1),
            "policy": np.array([r["policy"] for r in rows], np.float32).reshape(count, size * size + 1),
            "full_search": np.array([r["full_search"] for r in rows], bool),
            "visits": np.array([r["visits"] for r in rows], np.int32),
            "winrate": np.array([r["winrate"] for r in rows], np.float32),
            "move": np.array([r["move"] for r in rows], np.int16),
            "outcome": np.array([signed if r["to_move"] == BLACK else -signed for r in rows], np.float32),
            "ownership": np.repeat(ownership[None], count, axis=0).astype(np.int8),
            "score": np.full(count, margin, np.float32),
            "komi": np.full(count, game.komi, np.float32),
        }
        info = {"rules": asdict(game.rules), "komi": game.komi, "handicap": game.handicap,
                "white_bonus": game.white_bonus(), "result": result, "winner": int(winner), "moves": len(game.moves),
                "resigned": int(slot.resigned), "no_resign": slot.no_resign, "would_resign": int(slot.would_resign),
                "finished": "resignation" if slot.resigned != EMPTY else (
                    "passes" if game.consecutive_passes >= 2 else "move limit"),
                "full_searches": int(arrays["full_search"].sum())}
        record = game_to_record(game, black_name="Tengen", white_name="Tengen", result=result)
        record.comments = dict(slot.comments)
        return GameRecord(slot.game_id, arrays, info, write_sgf(record))

    # --- the rounds ----------------------------------------------------------------------------

    def _gather(self, slots: list[_Slot]) -> tuple[list, dict[int, int]]:
        """Select every game's leaves (starting moves where needed); the leaves grouped by
        scoring (one network call each) and each game's simulations of this round."""
        pending: list[tuple[_Slot, int]] = []
        round_sims: dict[int, int] = {}
        for slot in slots:
            if not slot.searching:
                self._start_move(slot)
            want = min(self.config.search.batch_size, slot.target - slot.done)
            if slot.gumbel is not None:
                plan = slot.gumbel.plan(want)
                want = len(plan)
                slot.search.plan_root(plan)
            count, finished = slot.search.select(slot.game, want) if want > 0 else (0, 0)
            slot.done += finished
            self.simulations += finished
            round_sims[id(slot)] = finished + count
            if count:
                pending.append((slot, count))
            elif finished == 0:
                slot.target = slot.done  # nothing selectable (pool full, every path pending): the move is searched
        groups: dict[tuple, list[tuple[_Slot, int]]] = {}
        for slot, count in pending:
            game = slot.game
            key = (game.size, game.territory_scoring) if self.komi_blind else (
                game.size, game.white_bonus(), game.territory_scoring)
            groups.setdefault(key, []).append((slot, count))
        return list(groups.values()), round_sims

    def _submit(self, groups: list) -> list:
        """Hand each group's leaves to the evaluator: asynchronously where it can take them so
        (:meth:`selfplay.inference.BatchingEvaluator.submit`), else evaluated now."""
        submitted = []
        for members in groups:
            first = members[0][0]
            boards = np.concatenate([s.search.boards[:c] for s, c in members])
            colors = np.concatenate([s.search.colors[:c] for s, c in members])
            batch = LeafBatch.for_game(first.game, boards, colors)
            answer = self.evaluator.submit(batch) if self.asynchronous else self.evaluator.evaluate_batch(batch)
            self.evaluations += 1
            self.leaves += len(boards)
            submitted.append((members, boards, colors, answer))
        return submitted

    def _complete(self, slots: list[_Slot], submitted: list, round_sims: dict[int, int]) -> None:
        """Expand and back up the evaluated leaves; finish the moves and games that are done."""
        for members, boards, colors, answer in submitted:
            priors, values = self.evaluator.result(answer) if self.asynchronous else answer
            offset = 0
            for slot, count in members:
                part = slice(offset, offset + count)
                mixed = slot.search._mix_rollouts(slot.game, boards[part].copy(), colors[part], values[part])
                slot.search.finish(slot.game, count, priors[part], mixed)
                offset += count
                slot.done += count
                self.simulations += count
        for slot in slots:
            if slot.gumbel is not None and round_sims.get(id(slot)):
                slot.gumbel.update(slot.search.root_edges(), round_sims[id(slot)])
        for slot in list(slots):
            if slot.searching and (slot.done >= slot.target or slot.search.tree.counts[2]):
                self._finish_move(slot)
                if self._is_finished(slot):
                    self.on_game(self._record(slot))
                    slots.remove(slot)

    def _round(self, slots: list[_Slot]) -> None:
        """One selection over every game's tree, one evaluator call per scoring group, expansion
        and backup; moves and games that are complete are finished."""
        groups, round_sims = self._gather(slots)
        self._complete(slots, self._submit(groups), round_sims)

    def _fill(self, slots: list[_Slot], count: int) -> None:
        while len(slots) < count:
            slot = self._open()
            if slot is None:
                return
            slots.append(slot)

    def run(self) -> None:
        """Play until ``next_id`` runs dry and every game is finished, or ``should_stop()``.
        With an evaluator that takes batches asynchronously (a network owner on a GPU), the
        games are searched in two halves, double-buffered: one half's tree work runs while the
        other half's leaves are being evaluated."""
        if self.asynchronous and self.config.games_per_thread >= 2:
            self._run_double_buffered()
            return
        while not self.should_stop():
            self._fill(self.slots, self.config.games_per_thread)
            if not self.slots:
                return
            self._round(self.slots)

    def _run_double_buffered(self) -> None:
        half = self.config.games_per_thread // 2
        halves: list[list[_Slot]] = [[], []]
        in_flight: list = [None, None]
        turn = 0
        while True:
            stopping = self.should_stop()
            if not stopping:
                self._fill(halves[turn], half if turn == 0 else self.config.games_per_thread - half)
                if halves[turn]:
                    groups, round_sims = self._gather(halves[turn])
                    in_flight[turn] = (self._submit(groups), round_sims)
            other = 1 - turn
            if in_flight[other] is not None:
                submitted, round_sims = in_flight[other]
                in_flight[other] = None
                self._complete(halves[other], submitted, round_sims)
            if in_flight[turn] is None and in_flight[other] is None and (stopping or not any(halves)):
                self.slots = halves[0] + halves[1]
                return
            turn = other

def run_workers(workers: list[SelfPlayWorker], errors: list[BaseException]) -> None:
    """Run ``workers``, each on its own thread (a lone one on the calling thread); an error in one
    goes to ``errors`` (the others should stop on it: their ``should_stop``). Each worker leaves
    a shared network owner when done, and the owner is closed at the end."""
    owner = workers[0].evaluator
    leave = getattr(owner, "leave", None)

    def work(worker: SelfPlayWorker) -> None:
        try:
            worker.run()
        except BaseException as error:  # noqa: BLE001 - raised again by the caller, in its thread
            errors.append(error)
        finally:
            if leave is not None:
                leave()

    if len(workers) == 1:
        work(workers[0])
    else:
        pool = [threading.Thread(target=work, args=(w,), name=f"selfplay-{i}") for i, w in enumerate(workers)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    if hasattr(owner, "close"):
        owner.close()


__all__ = ["SelfPlayWorker", "start_game", "final_targets", "run_workers"]
