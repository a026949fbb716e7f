"""The network owner: batches that worker threads submit together are evaluated in one call and
each worker gets exactly its own rows back; an error reaches every waiting worker."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from gogame.game import GameState
from nets.evaluator import LeafBatch
from selfplay.inference import BatchingEvaluator, joins_batches, network_owner


class RowEvaluator:
    """Values (and priors) that name each row: 1000 * side to move + row in the joined batch, so
    that a mix-up between workers shows; records the batch sizes it was called with."""

    has_value = True
    komi_blind = True

    def __init__(self, fail: bool = False):
        self.sizes = []
        self.fail = fail

    def value_applies(self, size, komi):
        return True

    def evaluate_batch(self, batch):
        if self.fail:
            raise RuntimeError("the network fell over")
        self.sizes.append(len(batch))
        marks = batch.to_move.astype(np.float32) * 1000 + np.arange(len(batch))
        priors = np.repeat(marks[:, None], batch.size * batch.size + 1, axis=1)
        return priors, marks


def submit_from_threads(owner, batches):
    results = [None] * len(batches)
    errors = []

    def work(i):
        try:
            results[i] = owner.evaluate_batch(batches[i])
        except RuntimeError as error:
            errors.append(str(error))
        finally:
            owner.leave()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    owner.close()
    return results, errors


def batch_of(count: int, to_move: int) -> LeafBatch:
    game = GameState(5)
    return LeafBatch(np.stack([game.board.array] * count), np.full(count, to_move, np.int64), 5, 7.5)


def test_batches_submitted_together_are_one_call_and_come_back_to_their_workers():
    inner = RowEvaluator()
    owner = BatchingEvaluator(inner, clients=3, max_wait=5.0)
    batches = [batch_of(2, 1), batch_of(3, 2), batch_of(4, 1)]
    results, errors = submit_from_threads(owner, batches)
    assert not errors and inner.sizes == [9] and owner.calls == 1 and owner.positions == 9
    for batch, (priors, values) in zip(batches, results):
        assert priors.shape == (len(batch), 26) and len(values) == len(batch)
        assert (values // 1000 == batch.to_move).all()  # each worker's own rows
    assert sorted(np.concatenate([v % 1000 for _, v in results]).tolist()) == list(range(9))


def test_an_evaluator_error_reaches_every_waiting_worker():
    owner = BatchingEvaluator(RowEvaluator(fail=True), clients=2, max_wait=5.0)
    _, errors = submit_from_threads(owner, [batch_of(1, 1), batch_of(1, 2)])
    assert errors == ["the network fell over"] * 2


def test_workers_share_one_owner_only_where_batches_are_joined():
    inner = RowEvaluator()
    assert network_owner(inner, 2, "no") is inner
    assert network_owner(inner, 2, "auto") is inner  # no CUDA device: each worker calls it itself
    joined = network_owner(inner, 2, "yes")
    assert isinstance(joined, BatchingEvaluator)
    joined.close()
    assert not joins_batches(inner, "auto") and joins_batches(inner, "yes")
    with pytest.raises(ValueError, match="join_batches"):
        joins_batches(inner, "sometimes")


def test_a_worker_double_buffers_its_games_against_an_asynchronous_owner():
    from dataclasses import replace

    from nets.evaluator import UniformEvaluator
    from selfplay.worker import SelfPlayWorker
    from tests.selfplay.test_worker import TINY

    class Recording(UniformEvaluator):
        """An owner that answers later: records when batches go in and answers come out."""

        def __init__(self):
            self.events = []

        def submit(self, batch):
            self.events.append("submit")
            return self.evaluate_batch(batch)

        def result(self, answer):
            self.events.append("result")
            return answer

    owner = Recording()
    ids = iter(range(4))
    finished = []
    worker = SelfPlayWorker(replace(TINY, games_per_thread=4, max_moves=20), owner, lambda: next(ids, None), finished.append)
    worker.run()
    assert sorted(r.game_id for r in finished) == [0, 1, 2, 3]
    # the second half's leaves go out before the first half's answers are taken: overlap
    assert owner.events[:3] == ["submit", "submit", "result"]
    assert owner.events.count("submit") == owner.events.count("result")


class KomiEvaluator(RowEvaluator):
    """Reads komi (not komi-blind), and a value scope the owner must pass through."""

    komi_blind = False

    def __init__(self):
        super().__init__()
        self.komis = []
        self.territories = []
        self.scopes = []

    def value_applies(self, size, komi):
        self.scopes.append((size, komi))
        return size == 5 and komi == 7.5

    def evaluate_batch(self, batch):
        self.komis.append(batch.komi)
        self.territories.append(batch.territory)
        return super().evaluate_batch(batch)


def test_batches_of_another_komi_or_scoring_are_not_joined_unless_the_network_is_komi_blind():
    inner = KomiEvaluator()
    owner = BatchingEvaluator(inner, clients=3, max_wait=5.0)
    assert not owner.komi_blind and owner.has_value
    territory = LeafBatch(batch_of(1, 1).boards, batch_of(1, 1).to_move, 5, 7.5, True)
    other_komi = LeafBatch(batch_of(2, 2).boards, batch_of(2, 2).to_move, 5, 0.5)
    results, errors = submit_from_threads(owner, [batch_of(3, 1), other_komi, territory])
    assert not errors and sorted(inner.sizes) == [1, 2, 3] and owner.calls == 3 and owner.positions == 6
    assert sorted(zip(inner.komis, inner.territories)) == [(0.5, False), (7.5, False), (7.5, True)]
    blind = BatchingEvaluator(RowEvaluator(), clients=2, max_wait=5.0)
    assert blind.komi_blind
    submit_from_threads(blind, [batch_of(3, 1), other_komi])
    assert blind.inner.sizes == [5]  # komi-blind: joined across komi
    scoped = BatchingEvaluator(inner, clients=1)
    assert scoped.value_applies(5, 7.5) and not scoped.value_applies(9, 7.5) and not scoped.value_applies(5, 6.5)
    assert inner.scopes[-3:] == [(5, 7.5), (9, 7.5), (5, 6.5)]
    scoped.close()


def test_an_owner_needs_a_client_and_refuses_work_once_closed():
    with pytest.raises(ValueError, match="a batching evaluator needs at least one client, got 0"):
        BatchingEvaluator(RowEvaluator(), clients=0)
    owner = BatchingEvaluator(RowEvaluator(), clients=1)
    assert owner._thread.daemon and owner._thread.name == "network-owner"
    owner.close()
    with pytest.raises(RuntimeError, match="the batching evaluator is closed"):
        owner.submit(batch_of(1, 1))


def test_the_owner_waits_for_every_client_but_not_past_max_wait_and_leaving_clients_count_down():
    import time

    inner = RowEvaluator()
    owner = BatchingEvaluator(inner, clients=2, max_wait=0.3)
    started = time.monotonic()
    owner.evaluate_batch(batch_of(1, 1))  # the other client never comes: answered after max_wait
    waited = time.monotonic() - started
    assert 0.25 <= waited < 2.0 and inner.sizes == [1]
    owner.leave()
    owner.leave()
    owner.leave()  # never below zero: the owner then evaluates whatever comes at once
    assert owner.clients == 0
    started = time.monotonic()
    owner.evaluate_batch(batch_of(2, 1))
    assert time.monotonic() - started < 0.25 and owner.calls == 2 and owner.positions == 3
    owner.close()


def test_joins_batches_auto_follows_the_device():
    class OnCuda(RowEvaluator):
        device = type("Device", (), {"type": "cuda"})()

    assert joins_batches(OnCuda(), "auto") and not joins_batches(OnCuda(), "no")
