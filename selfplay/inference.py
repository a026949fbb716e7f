"""One network owner for many worker threads: :class:`BatchingEvaluator` gathers the leaf batches
that workers submit at the same time and evaluates them in one call of the wrapped evaluator,
on its own thread, so that the batch is large without deep virtual loss in any one tree.

Workers block in :meth:`BatchingEvaluator.evaluate_batch` while their batch is evaluated; the
owner waits up to ``max_wait`` seconds for every registered worker's batch before it evaluates
what it has. The numba kernels of the tree release the GIL (``nogil``) and so does torch inside
its operators, so the workers' tree work and the network run in parallel.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from nets.evaluator import Evaluator, LeafBatch


@dataclass
class _Request:
    batch: LeafBatch
    done: threading.Event = field(default_factory=threading.Event)
    priors: np.ndarray | None = None
    values: np.ndarray | None = None
    error: BaseException | None = None


class BatchingEvaluator:
    """An :class:`nets.evaluator.Evaluator` shared by ``clients`` worker threads. Batches of one
    board size and scoring (komi too, unless the wrapped evaluator is ``komi_blind``) are joined;
    counters ``calls``, ``positions``. :meth:`leave` when a worker is done, :meth:`close` at the end."""

    def __init__(self, inner: Evaluator, clients: int, max_wait: float = 0.01) -> None:
        if clients < 1:
            raise ValueError(f"a batching evaluator needs at least one client, got {clients}")
        self.inner = inner
        self.has_value = inner.has_value
        self.komi_blind = bool(getattr(inner, "komi_blind", False))
        self.clients = clients
        self.max_wait = max_wait
        self.calls = 0
        self.positions = 0
        self._queue: list[_Request] = []
        self._lock = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="network-owner", daemon=True)
        self._thread.start()

    def value_applies(self, size: int, komi: float) -> bool:
        return self.inner.value_applies(size, komi)

    def evaluate_batch(self, batch: LeafBatch) -> tuple[np.ndarray, np.ndarray]:
        return self.result(self.submit(batch))

    def submit(self, batch: LeafBatch) -> _Request:
        """Queue ``batch`` and return at once: a worker does other tree work meanwhile (double
        buffering) and collects the answer with :meth:`result`."""
        request = _Request(batch)
        with self._lock:
            if self._closed:
                raise RuntimeError("the batching evaluator is closed")
            self._queue.append(request)
            self._lock.notify_all()
        return request

    def result(self, request: _Request) -> tuple[np.ndarray, np.ndarray]:
        """(priors, values) of a submitted batch, waiting for them; the evaluator's error if it failed."""
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.priors, request.values

    def leave(self) -> None:
        """One worker fewer to wait for."""
        with self._lock:
            self.clients = max(0, self.clients - 1)
            self._lock.notify_all()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._thread.join()

    def _key(self, batch: LeafBatch) -> tuple:
        return (batch.size, batch.territory) if self.komi_blind else (batch.size, batch.komi, batch.territory)

    def _serve(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed and not self._queue:
                    return
                deadline = time.monotonic() + self.max_wait
                while len(self._queue) < self.clients and not self._closed:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._lock.wait(left)
                requests, self._queue = self._queue, []
            groups: dict[tuple, list[_Request]] = {}
            for request in requests:
                groups.setdefault(self._key(request.batch), []).append(request)
            for members in groups.values():
                self._evaluate(members)

    def _evaluate(self, members: list[_Request]) -> None:
        first = members[0].batch
        joined = LeafBatch(np.concatenate([m.batch.boards for m in members]),
                           np.concatenate([m.batch.to_move for m in members]), first.size, first.komi, first.territory)
        try:
            priors, values = self.inner.evaluate_batch(joined)
        except BaseException as error:  # noqa: BLE001 - handed to every waiting worker, re-raised there
            for member in members:
                member.error = error
                member.done.set()
            return
        self.calls += 1
        self.positions += len(joined)
        offset = 0
        for member in members:
            n = len(member.batch)
            member.priors, member.values = priors[offset:offset + n], values[offset:offset + n]
            offset += n
            member.done.set()


def joins_batches(evaluator: Evaluator, join: str) -> bool:
    """Whether worker threads should share one network call (``join``: yes, no, or auto: on CUDA)."""
    if join not in ("auto", "yes", "no"):
        raise ValueError(f"join_batches is auto, yes or no, not {join!r}")
    if join == "auto":
        device = getattr(evaluator, "device", None)
        return getattr(device, "type", "cpu") == "cuda"
    return join == "yes"


def network_owner(evaluator: Evaluator, threads: int, join: str) -> Evaluator:
    """What ``threads`` workers call: a :class:`BatchingEvaluator` around ``evaluator`` when
    they join their batches (even one worker then double-buffers its games against it), else
    ``evaluator`` itself, which each worker calls from its own thread (the evaluators here are
    safe for that)."""
    if joins_batches(evaluator, join):
        return BatchingEvaluator(evaluator, threads)
    return evaluator


__all__ = ["BatchingEvaluator", "joins_batches", "network_owner"]
