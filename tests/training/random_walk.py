"""The textbook's 1-D random walk, on which the policy-gradient estimators are checked.

State x in [-3, 3], start 0. Action L moves x by -N(1, sigma^2), R by +N(1, sigma^2); every
action costs 1 (reward -1); the episode ends when x leaves [-3, 3]; gamma = 1. The policy is
logistic: pi(R | x) = sigmoid(w x + b), parameters theta = (w, b).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEFT, RIGHT = 0, 1
BOUND = 3.0


def prob_right(theta: np.ndarray, x: float) -> float:
    return 1.0 / (1.0 + np.exp(-(theta[0] * x + theta[1])))


def grad_log_prob(theta: np.ndarray, x: float, action: int) -> np.ndarray:
    """d/d(w, b) of log pi(action | x): (1 - p)(x, 1) for R, -p (x, 1) for L."""
    p = prob_right(theta, x)
    scale = (1.0 - p) if action == RIGHT else -p
    return scale * np.array([x, 1.0])


@dataclass
class Episode:
    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    def grad_log_probs(self, theta: np.ndarray) -> np.ndarray:
        return np.array([grad_log_prob(theta, x, a) for x, a in zip(self.states, self.actions)])


def run_episode(theta: np.ndarray, rng: np.random.Generator, sigma: float = 1.0, max_steps: int = 10_000) -> Episode:
    """One episode from x = 0 under the logistic policy."""
    x, states, actions = 0.0, [], []
    while -BOUND <= x <= BOUND and len(states) < max_steps:
        action = RIGHT if rng.random() < prob_right(theta, x) else LEFT
        states.append(x)
        actions.append(action)
        step = rng.normal(1.0, sigma)
        x = x + step if action == RIGHT else x - step
    return Episode(np.array(states), np.array(actions), -np.ones(len(states)))
