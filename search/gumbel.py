"""A Gumbel root for the MCTS: sequential halving over a few sampled moves, and the improved
policy of completed Q-values (Danihelka, Guez, Schrittwieser and Silver, "Policy improvement by
planning with Gumbel", ICLR 2022, sections 3 to 5; the constants of its Go experiments).

How it works, for a budget of ``n`` simulations at the root of an :class:`search.mcts.MCTS`:

1. Sample a Gumbel variable g(a) per root move and consider the ``m`` moves with the largest
   g(a) + logit(a) (logit: log prior), m = min(``considered_moves``, root moves, n).
2. Sequential halving: ceil(log2 m) phases; a phase gives each remaining move
   max(1, floor(n / (phases * remaining))) simulations (every descent below the root is PUCT as
   usual) and then keeps the better half by g + logit + sigma(q), sigma(q) = (c_visit + max visits)
   * c_scale * q with q the move's win rate (0..1). The last phase spends what is left.
3. Play the remaining move of largest g + logit + sigma(q); the policy target is
   softmax(logit + sigma(completed q)), with an unvisited move's q completed by the value
   mixture v_mix of the root (eq. 33 of the paper).

Without noise the sampled moves are the m most probable and the choice is the best by
logit + sigma(q): the same object gives evaluation play (``gumbel_noise=False``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GumbelConfig:
    """``considered_moves``: m, the moves sampled at the root (16 in the paper's Go runs);
    ``c_visit``, ``c_scale``: the sigma transform of Q (50 and 1 in the paper)."""

    considered_moves: int = 16
    c_visit: float = 50.0
    c_scale: float = 1.0

    def __post_init__(self) -> None:
        if self.considered_moves < 1:
            raise ValueError(f"considered_moves must be at least 1, got {self.considered_moves}")
        if self.c_visit < 0 or self.c_scale <= 0:
            raise ValueError(f"c_visit must be at least 0 and c_scale positive, got {self.c_visit}, {self.c_scale}")


class GumbelRoot:
    """Sequential halving for one search of ``simulations`` at an expanded root. Drive it with
    :meth:`plan` (root edges for the next descents, to :meth:`search.mcts.MCTS.plan_root`) and
    :meth:`update` (the root's edges after they were backed up); then :meth:`choice` and
    :meth:`improved_policy`. Root rows are :meth:`search.mcts.MCTS.root_edges`:
    (point, prior, visits, Q of the mover)."""

    def __init__(self, rows: list[tuple[int, float, int, float]], simulations: int, config: GumbelConfig,
                 rng: np.random.Generator | None, root_value: float) -> None:
        if simulations < 1:
            raise ValueError(f"a Gumbel root needs at least one simulation, got {simulations}")
        self.config = config
        self.points = np.array([r[0] for r in rows], np.int64)
        priors = np.array([r[1] for r in rows], np.float64)
        self.logits = np.log(np.maximum(priors, 1e-30))
        self.gumbel = rng.gumbel(size=len(rows)) if rng is not None else np.zeros(len(rows))
        self.root_value = root_value  # the side to move's value of the root, -1..1
        self.start_visits = np.array([r[2] for r in rows], np.int64)
        self.visits = self.start_visits.copy()
        self.q = np.array([r[3] for r in rows], np.float64)
        m = min(config.considered_moves, len(rows), simulations)
        self.remaining = list(np.argsort(-(self.gumbel + self.logits), kind="stable")[:m])
        self.phases = max(1, math.ceil(math.log2(m))) if m > 1 else 1
        self.budget = simulations
        self.spent = 0
        self.queue: list[int] = []
        self._start_phase()

    def _start_phase(self) -> None:
        left = self.budget - self.spent
        if left <= 0:
            return
        if len(self.remaining) <= 2 or self.phases <= 1:
            # the last phase: what is left, spread over the remaining moves in turn
            self.queue = [self.remaining[i % len(self.remaining)] for i in range(left)]
            return
        each = max(1, self.budget // (self.phases * len(self.remaining)))
        self.queue = [edge for edge in self.remaining for _ in range(each)][:left]

    def sigma(self, q: np.ndarray) -> np.ndarray:
        """The monotone transform of win rates (0..1) that is added to logits."""
        return (self.config.c_visit + int(self.visits.max(initial=0))) * self.config.c_scale * q

    def _scores(self, edges: list[int]) -> np.ndarray:
        winrate = (np.nan_to_num(self.q[edges], nan=-1.0) + 1) / 2
        return self.gumbel[edges] + self.logits[edges] + self.sigma(winrate)

    @property
    def done(self) -> bool:
        return self.spent >= self.budget

    def plan(self, want: int) -> np.ndarray:
        """Root edges for up to ``want`` descents (empty when the budget is spent); call
        :meth:`update` once they are backed up, before planning more."""
        if not self.queue and not self.done:
            self._halve()
            self._start_phase()
        take, self.queue = self.queue[:want], self.queue[want:]
        return np.array(take, np.int64)

    def update(self, rows: list[tuple[int, float, int, float]], simulations: int) -> None:
        """The root's rows after ``simulations`` more finished."""
        self.visits = np.array([r[2] for r in rows], np.int64)
        self.q = np.array([r[3] for r in rows], np.float64)
        self.spent += simulations

    def _halve(self) -> None:
        if len(self.remaining) <= 2:
            return
        keep = max(2, math.ceil(len(self.remaining) / 2))
        scores = self._scores(self.remaining)
        order = np.argsort(-scores, kind="stable")[:keep]
        self.remaining = [self.remaining[i] for i in order]
        self.phases -= 1

    def choice(self) -> int:
        """The move to play (a point, 0 = pass): the best remaining move by g + logit + sigma(q)."""
        scores = self._scores(self.remaining)
        return int(self.points[self.remaining[int(np.argmax(scores))]])

    def completed_q(self) -> np.ndarray:
        """Each root move's win rate (0..1): its own where visited, else the root's v_mix."""
        visited = self.visits > 0
        winrate = (np.nan_to_num(self.q, nan=0.0) + 1) / 2
        policy = np.exp(self.logits - self.logits.max())
        policy /= policy.sum()
        total = int(self.visits.sum())
        v_hat = (self.root_value + 1) / 2
        if visited.any() and policy[visited].sum() > 0:
            weighted = float((policy[visited] * winrate[visited]).sum() / policy[visited].sum())
            v_mix = (v_hat + total * weighted) / (1 + total)
        else:
            v_mix = v_hat
        return np.where(visited, winrate, v_mix)

    def improved_policy(self) -> np.ndarray:
        """softmax(logit + sigma(completed q)) over the root's moves, in edge order (sums to 1)."""
        z = self.logits + self.sigma(self.completed_q())
        z = np.exp(z - z.max())
        return z / z.sum()


__all__ = ["GumbelConfig", "GumbelRoot"]
