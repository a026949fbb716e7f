"""Self-play on a Ray cluster: the workers of :mod:`selfplay.worker` as Ray actors, the games they
finish written straight into the run folder (a directory every node sees), never through the
object store. Imported only when asked for (``tengen selfplay --ray``): Ray is an optional extra.

- The network files are read once and published once (one ``ray.put`` per version); every actor
  loads them from that object through ``evaluator_factory`` (a picklable function of the file
  paths, so that this package need not know how networks are wired) and picks up a new version
  between games (:meth:`SelfPlayActor.set_weights`).
- Each actor declares ``num_cpus`` (and ``num_gpus`` for CUDA); the driver gives each actor one
  batch of game ids at a time and waits with ``ray.wait`` (back-pressure: never more than one
  batch in flight per actor).
- An actor that dies (a SIGKILL, a lost node) loses only its games in progress: the driver
  replaces it and hands the ids it had not finished to the next batch. Finished games are journaled
  by the actor that played them; the driver alone merges them into shards.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Callable

from gogame.features import feature_set

from .config import SelfPlayConfig
from .records import ShardStore
from .run import open_store, summarize
from .worker import SelfPlayWorker


def _ray():
    try:
        import ray
    except ImportError as error:
        raise ValueError("--ray needs Ray: pip install 'tengen[ray]' (or pip install ray)") from error
    return ray


def check_address(address: str, timeout: float = 5.0) -> None:
    """Raise ValueError unless something answers at ``host:port`` (``auto`` and ``local`` are
    Ray's own: it finds, or starts, the cluster)."""
    if address in ("auto", "local"):
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"Ray address {address!r}: expected HOST:PORT, auto or local")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as error:
        raise ValueError(f"no Ray cluster answers at {address} ({error.strerror or error}): start one with "
                         "'ray start --head' (README, \"Self-play on a Ray cluster\")") from error


def connect(address: str, cpus: int, object_store_bytes: int) -> None:
    """Join the cluster at ``address`` (``auto``: the one running on this machine), or with
    ``local`` start a private one of ``cpus`` CPUs and an object store of ``object_store_bytes``."""
    ray = _ray()
    check_address(address)
    if ray.is_initialized():
        return
    try:
        if address == "local":
            ray.init(num_cpus=cpus, object_store_memory=object_store_bytes, include_dashboard=False,
                     logging_level="warning", configure_logging=False)
        else:
            ray.init(address=address, logging_level="warning", configure_logging=False)
    except ConnectionError as error:
        raise ValueError(f"no Ray cluster at {address}: {error}") from error


class SelfPlayActor:
    """One worker process: its own evaluator, games of the ids it is given (``play``)."""

    def __init__(self, config: SelfPlayConfig, out: str, meta: dict, evaluator_factory: Callable,
                 weights: dict) -> None:
        import torch

        torch.set_num_threads(1)
        self.config = config
        # a writer only: the driver alone recovers and merges the run folder
        planes = feature_set(config.feature_set).planes
        self.store = ShardStore(Path(out), config.size, planes, meta=meta, recover_on_open=False)
        self.factory = evaluator_factory
        self.folder = tempfile.mkdtemp(prefix="tengen-weights-")
        self.version = None
        self.set_weights(weights)

    def set_weights(self, weights: dict) -> int:
        """Load the networks of ``weights`` ({"version": n, "files": {name: bytes}}); the games
        after this call use them."""
        paths = {}
        for name, data in weights["files"].items():
            path = Path(self.folder, f"v{weights['version']}-{name}.safetensors")
            path.write_bytes(data)
            paths[name] = str(path)
        self.evaluator, self.rollouts = self.factory(paths)
        self.version = weights["version"]
        return self.version

    def pid(self) -> int:
        return os.getpid()

    def play(self, game_ids: list[int]) -> list[tuple[int, int]]:
        """Play these games; each is journaled as it finishes. Returns (id, positions) of each."""
        queue = deque(game_ids)
        done: list[tuple[int, int]] = []

        def finished(record) -> None:
            self.store.add(record)
            done.append((record.game_id, record.positions))

        worker = SelfPlayWorker(self.config, self.evaluator, lambda: queue.popleft() if queue else None, finished,
                                self.rollouts)
        worker.run()
        return done


class RaySelfPlay:
    """The driver: ``actors`` actors play the games a run folder lacks (``run``); they stay up
    between runs, and :meth:`publish` hands them new networks (the self-improvement loop calls
    ``publish`` then ``run`` once a generation). ``replaced`` counts actors that died and were
    replaced; ``version`` is the networks' version, 0 for the first."""

    def __init__(self, config: SelfPlayConfig, out: Path, games: int, actors: int, evaluator_factory: Callable,
                 weight_files: dict[str, str], meta: dict, device: str = "cpu",
                 on_game: Callable[[int, int, int], None] | None = None) -> None:
        if games < 1 or actors < 1:
            raise ValueError(f"games and actors must be at least 1, got {games} and {actors}")
        self.ray = _ray()
        self.config, self.out, self.games, self.count = config, Path(out), games, actors
        self.store = open_store(self.out, config, meta)
        self.meta = meta
        self.factory = evaluator_factory
        self.on_game = on_game
        self.replaced = 0
        self.actors: list = []
        self.pid_refs: list = []  # the process id of every actor started, in order (for operators and tests)
        self.remote_actor = self.ray.remote(num_cpus=1, num_gpus=1 if device == "cuda" else 0,
                                            max_restarts=0)(SelfPlayActor)
        self.version = -1
        self.publish(weight_files)

    def publish(self, weight_files: dict[str, str]) -> int:
        """Put new network files into the object store once (one ``ray.put`` per version) and
        tell every actor; each loads them before its next batch of games. The new version."""
        files = {name: Path(path).read_bytes() for name, path in weight_files.items() if path}
        self.version += 1
        self.weights_ref = self.ray.put({"version": self.version, "files": files})
        for actor in self.actors:
            actor.set_weights.remote(self.weights_ref)  # an actor runs its calls in order: between games
        return self.version

    def _new_actor(self):
        actor = self.remote_actor.remote(self.config, str(self.out), self.meta, self.factory, self.weights_ref)
        self.pid_refs.append(actor.pid.remote())  # asked first: answered as soon as the actor is up
        return actor

    def run(self, games: int | None = None) -> dict:
        """Play until the folder holds games 0..``games``-1 (default: the count given at
        start); the folder's :func:`summarize`."""
        ray = self.ray
        self.games = games or self.games
        started = time.perf_counter()
        finished = self.store.finished_ids()
        todo = deque(i for i in range(self.games) if i not in finished)
        count = len(finished & set(range(self.games)))
        if not self.actors:
            self.actors = [self._new_actor() for _ in range(self.count)]
        in_flight: dict = {}  # object ref -> (actor index, ids)
        chunk = self.config.games_per_thread
        while todo or in_flight:
            busy = {index for index, _ in in_flight.values()}
            for index in range(len(self.actors)):
                if index not in busy and todo:
                    ids = [todo.popleft() for _ in range(min(chunk, len(todo)))]
                    in_flight[self.actors[index].play.remote(ids)] = (index, ids)
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            ref = ready[0]
            index, ids = in_flight.pop(ref)
            try:
                played = ray.get(ref)
            except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError):
                # the actor died: what it journaled stays, the rest is played again elsewhere
                on_disk = self.store.finished_ids()
                played = [(i, 0) for i in ids if i in on_disk]
                todo.extendleft(reversed([i for i in ids if i not in on_disk]))
                ray.kill(self.actors[index], no_restart=True)
                self.actors[index] = self._new_actor()
                self.replaced += 1
            for game_id, positions in played:
                count += 1
                if self.on_game is not None:
                    self.on_game(game_id, positions, count)
            self.store.merge(self.config.shard_games)
        self.store.merge(1)
        summary = summarize(self.out)
        summary.update({"seconds": round(time.perf_counter() - started, 3), "actors": self.count,
                        "actors_replaced": self.replaced})
        return summary


def run_selfplay_ray(config: SelfPlayConfig, address: str, out: Path, games: int, actors: int,
                     evaluator_factory: Callable, weight_files: dict[str, str], meta: dict, device: str = "cpu",
                     object_store_bytes: int = 256 * 1024 * 1024,
                     on_game: Callable[[int, int, int], None] | None = None) -> dict:
    """Connect (:func:`connect`) and run :class:`RaySelfPlay`."""
    connect(address, actors, object_store_bytes)
    return RaySelfPlay(config, out, games, actors, evaluator_factory, weight_files, meta, device, on_game).run()


__all__ = ["check_address", "connect", "SelfPlayActor", "RaySelfPlay", "run_selfplay_ray"]
