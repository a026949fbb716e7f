"""A self-play run on this machine: ``threads`` workers (:mod:`selfplay.worker`) sharing one
network owner (:mod:`selfplay.inference`), finished games journaled and merged into shards
(:mod:`selfplay.records`), resumable: a run folder asked for K games holds games 0..K-1 once done,
and a restarted run plays only the ids it lacks (a game in progress at a kill is played again
from its start: the same komi, handicap and resignation draw, since game i draws those from
(seed, i); its moves may differ, as the evaluator's own randomness is shared).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import numpy as np

from common.files import atomic_write
from gogame.board_nb import BLACK
from gogame.features import feature_set
from nets.evaluator import Evaluator

from .config import SelfPlayConfig
from .inference import network_owner
from .records import GameRecord, ShardStore, read_sidecar
from .worker import SelfPlayWorker, run_workers

SETTINGS_FILE = "selfplay.json"


def open_store(out: Path, config: SelfPlayConfig, meta: dict) -> ShardStore:
    """The run folder ``out`` for ``config``: made, or reopened when it was made with the same
    settings (a ValueError names the difference when not: one folder, one kind of data)."""
    out = Path(out)
    settings = {"settings": asdict(config), **meta}
    path = out / SETTINGS_FILE
    if path.is_file():
        try:
            before = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: unreadable ({error})") from error
        if before.get("settings") != json.loads(json.dumps(asdict(config))):
            changed = sorted(k for k in set(before.get("settings", {})) | set(asdict(config))
                             if before.get("settings", {}).get(k) != json.loads(json.dumps(asdict(config))).get(k))
            raise ValueError(f"{out} holds a self-play run with other settings (these differ: {', '.join(changed)}; "
                             f"its settings are in {path}): resume it with its own settings or use another folder")
    store = ShardStore(out, config.size, feature_set(config.feature_set).planes, meta={"settings": asdict(config), **meta})
    if not path.is_file():
        text = json.dumps(settings, indent=1) + "\n"
        atomic_write(path, lambda tmp: Path(tmp).write_text(text))
    return store


def run_selfplay(config: SelfPlayConfig, evaluator: Evaluator, out: Path, games: int, threads: int = 1,
                 rollout_weights: np.ndarray | None = None, meta: dict | None = None,
                 on_game: Callable[[int, int, int], None] | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> dict:
    """Play until ``out`` holds games 0..``games``-1; ``on_game(game id, its positions,
    finished so far)`` after each. Returns :func:`summarize` of the folder. An error in a worker stops the others and is
    raised here after every finished game is on disk."""
    if games < 1 or threads < 1:
        raise ValueError(f"games and threads must be at least 1, got {games} and {threads}")
    store = open_store(out, config, meta or {})
    finished = store.finished_ids()
    todo = iter([i for i in range(games) if i not in finished])
    count = [len(finished & set(range(games)))]
    ids_lock, store_lock = threading.Lock(), threading.Lock()
    errors: list[BaseException] = []

    def next_id() -> int | None:
        with ids_lock:
            return next(todo, None)

    def finished_game(record: GameRecord) -> None:
        with store_lock:
            store.add(record)
            store.merge(config.shard_games)
            count[0] += 1
            if on_game is not None:
                on_game(record.game_id, record.positions, count[0])

    shared = network_owner(evaluator, threads, config.join_batches)
    stop = lambda: should_stop() or bool(errors)  # noqa: E731
    workers = [SelfPlayWorker(config, shared, next_id, finished_game, rollout_weights, stop) for _ in range(threads)]

    started = time.perf_counter()
    run_workers(workers, errors)
    with store_lock:
        if not errors and not should_stop():
            store.merge(1)  # the last, partial shard
    if errors:
        raise errors[0]
    summary = summarize(out)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    summary["simulations"] = sum(w.simulations for w in workers)
    summary["moves_searched"] = sum(w.moves for w in workers)
    return summary


def summarize(out: Path) -> dict:
    """Games, positions, Black's win rate, mean game length and the resignation false-positive
    rate (of the games that never resign, the share won by the side that would have resigned)
    over every game in the run folder ``out`` (from the sidecars alone)."""
    infos = []
    positions = 0
    for side in sorted(Path(out, "shards").glob("shard-*.json")) + sorted(Path(out, "pending").glob("game-*.json")):
        sidecar = read_sidecar(side)
        positions += sidecar["positions"]
        infos.extend(sidecar["games"])
    games = len(infos)
    would = [g for g in infos if g["no_resign"] and g["would_resign"]]
    false_positive = [g for g in would if g["winner"] == g["would_resign"]]
    return {"games": games, "positions": positions,
            "black_win_rate": round(sum(g["winner"] == BLACK for g in infos) / games, 4) if games else None,
            "mean_moves": round(sum(g["moves"] for g in infos) / games, 2) if games else None,
            "resigned": sum(bool(g["resigned"]) for g in infos),
            "no_resign_games": sum(bool(g["no_resign"]) for g in infos),
            "would_resign": len(would),
            "resign_false_positive_rate": round(len(false_positive) / len(would), 4) if would else None}


__all__ = ["SETTINGS_FILE", "open_store", "run_selfplay", "summarize"]
