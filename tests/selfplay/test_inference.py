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
