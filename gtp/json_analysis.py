"""KataGo's JSON analysis engine protocol (``tengen analysis``), which KaTrain, ogatak and many
scripts speak instead of GTP: one JSON query per line on stdin, one JSON response per analysed
turn on stdout (KataGo's ``docs/Analysis_Engine.md`` defines the fields).

A query names a game (``moves``, ``initialStones``, ``initialPlayer``, ``rules``, ``komi``,
``boardXSize``/``boardYSize``) and the turns to analyse (``analyzeTurns``), with ``maxVisits``,
``includeOwnership``, ``includePolicy``, ``includePVVisits``, ``includeMovesOwnership``,
``avoidMoves``/``allowMoves``, ``priority`` and ``overrideSettings.reportAnalysisWinratesAs``.
Positions of every query in flight are searched together, their leaves joined into one network
call per round (:func:`search.mcts.search_many`); the mean batch is in the log. Values are from
Black's view unless the query asks for the side to move's (KaTrain asks for Black's). A
malformed line gets ``{"error": ...}`` (with the ``id`` and ``field`` where known), an unknown
field ``{"warning": ...}``; the engine keeps running. ``action``: ``query_version``,
``terminate`` (``terminateId``, optional ``turnNumbers``), ``terminate_all``, ``clear_cache``.
"""
from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, replace
from typing import BinaryIO, Callable, TextIO

import numpy as np

from gogame.board_nb import BLACK, WHITE
from gogame.coords import MAX_SIZE, MIN_SIZE, PASS, CoordinateError, from_gtp, to_gtp, to_policy_index
from gogame.game import GameState
from gogame.rules import IllegalMove, Rules
from nets.evaluator import LeafBatch
from search.mcts import MCTS, search_many
from search.result import NO_FILTER, MoveFilter, SearchResult

from .analysis import ownership_stdev, ownership_values
from .kata_commands import rules_from_text

VERSION = "1.0"
KNOWN_FIELDS = {"id", "moves", "initialStones", "initialPlayer", "rules", "komi", "boardXSize", "boardYSize",
                "analyzeTurns", "maxVisits", "includeOwnership", "includePolicy", "includePVVisits",
                "includeMovesOwnership", "includeOwnershipStdev", "avoidMoves", "allowMoves", "priority",
                "overrideSettings", "action", "terminateId", "turnNumbers"}
_COLORS = {"b": BLACK, "black": BLACK, "w": WHITE, "white": WHITE}


class QueryError(ValueError):
    """A query that cannot be analysed: the message, and the field at fault (None: the whole line)."""

    def __init__(self, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class Position:
    """One turn of one query, waiting for its search."""

    query_id: str
    turn: int
    game: GameState
    visits: int
    priority: int
    order: int  # arrival, for ties of priority
    move_filter: MoveFilter = NO_FILTER
    ownership: bool = False
    ownership_stdev: bool = False
    policy: bool = False
    pv_visits: bool = False
    moves_ownership: bool = False
    black_view: bool = True
    search: MCTS | None = None  # once its search has started (a search stopped for new input goes on later)
    done: int = 0  # simulations so far

    @property
    def group(self) -> tuple:
        """Positions of one group can share network calls (:func:`search_many`)."""
        return (self.game.size, self.game.white_bonus(), self.game.territory_scoring)


@dataclass
class BatchCounter:
    """Network calls and positions evaluated, for the log's mean batch size."""

    calls: int = 0
    positions: int = 0

    @property
    def mean(self) -> float:
        return self.positions / self.calls if self.calls else 0.0


class CountingEvaluator:
    """An evaluator that counts its calls and positions and passes everything else through."""

    def __init__(self, inner, counter: BatchCounter) -> None:
        self._inner = inner
        self._counter = counter

    def evaluate_batch(self, batch: LeafBatch):
        self._counter.calls += 1
        self._counter.positions += len(batch)
        return self._inner.evaluate_batch(batch)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def _color(value: object, field_name: str) -> int:
    color = _COLORS.get(str(value).lower()) if isinstance(value, str) else None
    if color is None:
        raise QueryError(f"{field_name}: {value!r} is not a colour (B or W)", field_name)
    return color


def _point(value: object, size: int, field_name: str) -> int:
    if not isinstance(value, str):
        raise QueryError(f"{field_name}: {value!r} is not a vertex", field_name)
    try:
        return from_gtp(value, size)
    except CoordinateError as error:
        raise QueryError(f"{field_name}: {error}", field_name) from None


def _stones(value: object, size: int, field_name: str) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        raise QueryError(f"{field_name} must be a list of [colour, vertex] pairs", field_name)
    stones = []
    for index, pair in enumerate(value):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise QueryError(f"{field_name}[{index}] must be a [colour, vertex] pair, not {pair!r}", field_name)
        stones.append((_color(pair[0], field_name), _point(pair[1], size, field_name)))
    return stones


def _flag(query: dict, key: str) -> bool:
    value = query.get(key, False)
    if not isinstance(value, bool):
        raise QueryError(f"{key} must be true or false, not {value!r}", key)
    return value


def _integer(query: dict, key: str, default: int, low: int, high: int) -> int:
    value = query.get(key, default)
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not low <= value <= high:
        raise QueryError(f"{key} must be a whole number within {low}..{high}, not {value!r}", key)
    return int(value)


def _filters(query: dict, size: int) -> MoveFilter:
    entries: dict[str, list] = {"avoidMoves": [], "allowMoves": []}
    for key in entries:
        value = query.get(key, [])
        if not isinstance(value, list):
            raise QueryError(f"{key} must be a list of {{player, moves, untilDepth}}", key)
        for item in value:
            if not isinstance(item, dict) or not {"player", "moves", "untilDepth"} <= set(item):
                raise QueryError(f"{key}: each entry needs player, moves and untilDepth", key)
            if not isinstance(item["moves"], list):
                raise QueryError(f"{key}: moves must be a list of vertices", key)
            depth = item["untilDepth"]
            if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
                raise QueryError(f"{key}: untilDepth must be a whole number of at least 1, not {depth!r}", key)
            points = frozenset(_point(v, size, key) for v in item["moves"])
            entries[key].append((_color(item["player"], key), points, depth))
    return MoveFilter(tuple(entries["avoidMoves"]), tuple(entries["allowMoves"]))


def parse_query(query: object, default_visits: int, order: int, default_size: int = 19) -> tuple[list[Position], list[dict]]:
    """The positions a query asks for, and its warnings (unused fields); raises QueryError."""
    if not isinstance(query, dict):
        raise QueryError("a query must be a JSON object")
    if not isinstance(query.get("id"), str):
        raise QueryError("id is missing or not a string", "id")
    warnings = [{"id": query["id"], "field": key, "warning": "unexpected or unused field"}
                for key in query if key not in KNOWN_FIELDS]
    width = _integer(query, "boardXSize", default_size, MIN_SIZE, MAX_SIZE)
    height = _integer(query, "boardYSize", width, MIN_SIZE, MAX_SIZE)
    if width != height:
        raise QueryError(f"boardXSize {width} and boardYSize {height}: rectangular boards are not supported", "boardYSize")
    size = width
    try:
        rules = Rules() if "rules" not in query else rules_from_text(
            query["rules"] if isinstance(query["rules"], str) else json.dumps(query["rules"]), Rules())
    except (ValueError, TypeError) as error:
        raise QueryError(f"rules: {error}", "rules") from None
    if "komi" in query:
        komi = query["komi"]
        if isinstance(komi, bool) or not isinstance(komi, (int, float)):
            raise QueryError(f"komi must be a number, not {komi!r}", "komi")
        try:
            rules = rules.with_changes(komi=float(komi))
        except ValueError as error:
            raise QueryError(f"komi: {error}", "komi") from None
    moves = _stones(query.get("moves", []), size, "moves")
    initial = _stones(query.get("initialStones", []), size, "initialStones")
    if any(pt == PASS for _c, pt in initial):
        raise QueryError("initialStones: a pass is not a stone", "initialStones")
    turns = query.get("analyzeTurns", [len(moves)])
    if not isinstance(turns, list) or not turns or not all(
            isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= len(moves) for t in turns):
        raise QueryError(f"analyzeTurns must be a list of turn numbers within 0..{len(moves)}", "analyzeTurns")
    visits = _integer(query, "maxVisits", default_visits, 1, 1_000_000)
    priority = _integer(query, "priority", 0, -2**31, 2**31 - 1)
    move_filter = _filters(query, size)
    overrides = query.get("overrideSettings", {})
    if not isinstance(overrides, dict):
        raise QueryError("overrideSettings must be an object", "overrideSettings")
    view = str(overrides.get("reportAnalysisWinratesAs", "BLACK")).upper()
    if view not in ("BLACK", "SIDETOMOVE"):
        raise QueryError(f"reportAnalysisWinratesAs {view!r}: BLACK or SIDETOMOVE", "overrideSettings")
    warnings += [{"id": query["id"], "field": f"overrideSettings.{key}", "warning": "unexpected or unused field"}
                 for key in overrides if key != "reportAnalysisWinratesAs"]
    game = GameState(size, rules)
    try:
        game.setup_stones([p for c, p in initial if c == BLACK], [p for c, p in initial if c == WHITE])
    except ValueError as error:
        raise QueryError(f"initialStones: {error}", "initialStones") from None
    first = _color(query["initialPlayer"], "initialPlayer") if "initialPlayer" in query else (
        moves[0][0] if moves else BLACK)
    if first != game.to_move:
        game.to_move = first
        game._reset_positions()
    options = dict(ownership=_flag(query, "includeOwnership"), ownership_stdev=_flag(query, "includeOwnershipStdev"),
                   policy=_flag(query, "includePolicy"), pv_visits=_flag(query, "includePVVisits"),
                   moves_ownership=_flag(query, "includeMovesOwnership"), black_view=view == "BLACK")
    positions = []
    wanted = set(turns)
    for turn in range(len(moves) + 1):
        if turn in wanted:
            positions.append(Position(query["id"], turn, game.copy(), visits, priority, order, move_filter, **options))
        if turn < len(moves):
            color, pt = moves[turn]
            try:
                game.play(pt, color)
            except IllegalMove as error:
                raise QueryError(f"moves: move {turn + 1} is illegal: {error}", "moves") from None
    return positions, warnings


def response(position: Position, result: SearchResult, policy: np.ndarray | None) -> dict:
    """KataGo's response for one analysed turn."""
    size, to_move, black = position.game.size, result.to_move, position.black_view
    flip = black and to_move == WHITE

    def winrate(value: float) -> float:
        return round(1.0 - value if flip else value, 6)

    def lead(value: float) -> float:
        return round(-value if flip else value, 6)

    infos = []
    for order, stats in enumerate(m for m in result.moves if m.visits > 0):
        info = {"move": to_gtp(stats.move, size), "visits": stats.visits, "winrate": winrate(stats.winrate),
                "prior": round(stats.prior, 6), "lcb": winrate(stats.lcb),
                "order": order, "pv": [to_gtp(p, size) for p in stats.pv] or [to_gtp(stats.move, size)]}
        if stats.score_lead is not None:
            info["scoreLead"] = info["scoreMean"] = lead(stats.score_lead)
            info["scoreStdev"] = round(result.score_stdev or 0.0, 6)
        if position.pv_visits:
            info["pvVisits"] = (stats.pv_visits or [stats.visits])[: len(info["pv"])]
        if position.moves_ownership and stats.ownership is not None:
            info["ownership"] = [round(float(v), 6) for v in ownership_values(stats.ownership, to_move, black)]
        infos.append(info)
    root = {"visits": result.visits, "winrate": winrate(result.winrate),
            "currentPlayer": "B" if to_move == BLACK else "W"}
    if result.score_lead is not None:
        root["scoreLead"] = lead(result.score_lead)
        root["scoreStdev"] = round(result.score_stdev or 0.0, 6)
    answer = {"id": position.query_id, "turnNumber": position.turn, "isDuringSearch": False, "moveInfos": infos,
              "rootInfo": root}
    if position.ownership and result.ownership is not None:
        answer["ownership"] = [round(float(v), 6) for v in ownership_values(result.ownership, to_move, black)]
    if position.ownership_stdev and result.ownership is not None:
        answer["ownershipStdev"] = [round(float(v), 6) for v in ownership_stdev(result.ownership)]
    if position.policy and policy is not None:
        answer["policy"] = [round(float(v), 6) for v in policy]
    return answer


def raw_policies(evaluator, games: list[GameState]) -> list[np.ndarray]:
    """The network's move probabilities of each game (one call; games of one size and scoring),
    row-major from the top-left then pass, over the legal moves; -1 where illegal."""
    priors, _ = evaluator.evaluate_batch(LeafBatch.from_games(games))
    policies = []
    for game, row in zip(games, priors):
        policy = np.full(game.size * game.size + 1, -1.0)
        legal = [to_policy_index(int(p), game.size) for p in game.legal_moves()] + [game.size * game.size]
        mass = float(row[legal].sum())
        policy[legal] = row[legal] / mass if mass > 0 else 1.0 / len(legal)  # renormalised over the legal moves
        policies.append(policy)
    return policies


class AnalysisEngine:
    """Queries in, responses out. ``handle_line`` parses a line (answering errors, warnings and
    actions at once) and queues its positions; ``run_batch`` searches up to
    ``positions_per_batch`` queued positions of one group (highest priority first) together."""

    def __init__(self, template: MCTS, write: Callable[[dict], None], default_visits: int = 500,
                 positions_per_batch: int = 16, log: Callable[[str], None] = lambda text: None,
                 default_size: int = 19) -> None:
        self.counter = BatchCounter()
        self.evaluator = CountingEvaluator(template.evaluator, self.counter)
        # each position has its own tree, kept while its search waits for new input to be read
        self.search_config = replace(template.config, reuse_tree=True)
        self.rollout_weights = template.policy_weights
        self.write = write
        self.default_visits = default_visits
        self.default_size = default_size
        self.positions_per_batch = positions_per_batch
        self.log = log
        self.pending: list[Position] = []
        self.arrivals = 0
        self.analysed = 0
        heads = getattr(template.evaluator, "heads", ())
        self.has_score = "score" in heads
        self.has_ownership_head = "ownership" in heads
        self.should_stop: Callable[[], bool] = lambda: False  # new input waiting (serve_analysis sets it)

    def handle_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        try:
            query = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            self.write({"error": f"could not parse JSON: {getattr(error, 'msg', error)}"})
            return
        query_id = query.get("id") if isinstance(query, dict) and isinstance(query.get("id"), str) else None
        try:
            if isinstance(query, dict) and "action" in query:
                self._action(query)
                return
            self.arrivals += 1
            positions, warnings = parse_query(query, self.default_visits, self.arrivals, self.default_size)
        except QueryError as error:
            self.write({key: value for key, value in (("id", query_id), ("field", error.field), ("error", str(error)))
                        if value is not None})
            return
        for warning in warnings:
            self.write(warning)
        if not self.has_score:
            self.write({"id": query_id, "field": "scoreLead",
                        "warning": "the network has no score head: scoreLead and scoreStdev are omitted"})
        if not self.has_ownership_head and query.get("includeMovesOwnership") is True:
            self.write({"id": query_id, "field": "includeMovesOwnership",
                        "warning": "the network has no ownership head: each move's ownership is omitted"})
        self.pending.extend(positions)

    def _action(self, query: dict) -> None:
        action, query_id = query["action"], query.get("id")
        if not isinstance(query_id, str):
            raise QueryError("id is missing or not a string", "id")
        if action == "query_version":
            self.write({"id": query_id, "action": action, "version": VERSION, "git_hash": "tengen"})
        elif action in ("terminate", "terminate_all"):
            target = query.get("terminateId")
            turns = query.get("turnNumbers")
            if action == "terminate" and not isinstance(target, str):
                raise QueryError("terminate needs terminateId", "terminateId")
            if turns is not None and not (isinstance(turns, list) and all(isinstance(t, int) for t in turns)):
                raise QueryError("turnNumbers must be a list of turn numbers", "turnNumbers")
            dropped = [p for p in self.pending if (action == "terminate_all" or p.query_id == target)
                       and (turns is None or p.turn in turns)]
            self.pending = [p for p in self.pending if p not in dropped]
            for position in dropped:  # what a started search found so far, else no results
                if position.search is not None and position.done > 0:
                    self.write(response(position, position.search.result(position.game, 0.0), None))
                else:
                    self.write({"id": position.query_id, "turnNumber": position.turn, "isDuringSearch": False,
                                "noResults": True})
            answer = {"id": query_id, "action": action}
            if target is not None:
                answer["terminateId"] = target
            self.write(answer)
        elif action == "clear_cache":
            self.write({"id": query_id, "action": action})
        else:
            raise QueryError(f"unknown action {action!r}: query_version, terminate, terminate_all, clear_cache", "action")

    def run_batch(self) -> int:
        """Search one batch of queued positions until they are done or new input waits (then
        they go back to the front of the queue, their trees kept); returns how many were answered."""
        if not self.pending:
            return 0
        self.pending.sort(key=lambda p: (p.search is None, -p.priority, p.order, p.turn))
        group = self.pending[0].group
        batch = [p for p in self.pending if p.group == group][: self.positions_per_batch]
        self.pending = [p for p in self.pending if p not in batch]
        try:
            return self._search(batch)
        except Exception as error:  # the last guard: answer these positions with the error, keep serving
            self.log(f"analysis: search failed: {error!r}")
            for position in batch:
                self.write({"id": position.query_id, "turnNumber": position.turn, "error": f"internal error: {error}"})
            return 0

    def _search(self, batch: list[Position]) -> int:
        for position in batch:
            if position.search is None:
                size = position.game.size
                # the tree's bound: a node per simulation, and room for every move of each node
                config = replace(self.search_config, node_limit=max(64, 2 * position.visits + 16),
                                 edges_per_node=size * size + 1)
                position.search = MCTS(self.evaluator, config,
                                       rollout_weights=self.rollout_weights if self.rollout_weights.size else None)
        done: list[int] = []
        results = search_many([p.search for p in batch], [p.game for p in batch], [p.visits - p.done for p in batch],
                              move_filters=[p.move_filter for p in batch], should_stop=self.should_stop, done_out=done)
        finished = []
        for position, result, count in zip(batch, results, done):
            position.done += count
            if position.done >= position.visits:
                finished.append((position, result))
            else:
                self.pending.append(position)  # new input came first: it goes on after that is read
        wanted = [p.game for p, _ in finished if p.policy]
        policies = iter(raw_policies(self.evaluator, wanted) if wanted else [])
        for position, result in finished:
            self.write(response(position, result, next(policies) if position.policy else None))
            position.search = None  # its tree's memory goes
        self.analysed += len(finished)
        if finished:
            self.log(f"analysis: {self.analysed} positions, {self.counter.calls} network calls, "
                     f"mean batch {self.counter.mean:.1f} positions")
        return len(finished)


def serve_analysis(engine: AnalysisEngine, source: BinaryIO) -> None:
    """Read queries until the end of ``source``, searching queued positions between lines; the
    positions still queued at the end are answered before returning."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        try:
            for raw in iter(source.readline, b""):
                lines.put(raw.decode("utf-8", errors="replace"))
        finally:
            lines.put(None)

    threading.Thread(target=read, name="analysis-reader", daemon=True).start()
    engine.should_stop = lambda: not lines.empty()  # a search pauses for every new line
    finished = False
    while True:
        while True:  # take every line that has arrived before searching again
            try:
                line = lines.get(block=not engine.pending and not finished)
            except queue.Empty:
                break
            if line is None:
                finished = True
                break
            try:
                engine.handle_line(line)
            except Exception as error:  # the last guard: a query never ends the engine
                engine.write({"error": f"internal error: {error!r}"})
        if engine.pending:
            engine.run_batch()
        elif finished:
            return


def json_writer(sink: TextIO) -> Callable[[dict], None]:
    """One compact JSON object per line, flushed, from any thread."""
    lock = threading.Lock()

    def write(obj: dict) -> None:
        with lock:
            sink.write(json.dumps(obj, separators=(",", ":")) + "\n")
            sink.flush()

    return write


__all__ = ["AnalysisEngine", "BatchCounter", "Position", "QueryError", "parse_query", "response", "serve_analysis",
           "json_writer"]
