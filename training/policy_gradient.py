"""Policy-gradient estimators: the rows of the textbook comparison table.

Every estimator has the form ``g = sum_t G_t * grad log pi(a_t | s_t)``; they differ in ``G_t``:

=========================  =============================================  ===========
estimator                  G_t                                            needs V?
=========================  =============================================  ===========
``reinforce``              R_t (the discounted return from t)             no
``baseline``               R_t - V(s_t)                                   yes
``actor_critic``           Q_t = r_t + gamma V(s_{t+1})                   yes
``advantage``              A_t = r_t + gamma V(s_{t+1}) - V(s_t)          yes
``nstep``                  R_t^(n) - V(s_t), R_t^(n) = sum_{k<n} gamma^k  yes
                           r_{t+k} + gamma^n V(s_{t+n})
=========================  =============================================  ===========

``values`` has one entry per state visited plus the terminal state (whose value is 0), so
``values[t + 1]`` is V(s_{t+1}). With the true V, all are unbiased; REINFORCE and the baseline
version are unbiased whatever V is; the others are biased by a wrong V.
"""
from __future__ import annotations

import numpy as np

ESTIMATORS = ("reinforce", "baseline", "actor_critic", "advantage", "nstep")


def discounted_returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """R_t = sum_k gamma^k r_{t+k}, for every t of one episode."""
    returns = np.zeros(len(rewards), np.float64)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def estimator_weights(kind: str, rewards: np.ndarray, values: np.ndarray | None = None, gamma: float = 1.0,
                      n: int = 1) -> np.ndarray:
    """G_t of one episode for estimator ``kind`` (``values``: V(s_0..s_T), V(s_T) = 0 at the end)."""
    rewards = np.asarray(rewards, np.float64)
    if kind == "reinforce":
        return discounted_returns(rewards, gamma)
    if kind not in ESTIMATORS:
        raise ValueError(f"unknown estimator {kind!r}: expected one of {', '.join(ESTIMATORS)}")
    if values is None or len(values) != len(rewards) + 1:
        raise ValueError(f"{kind} needs V for every state and the terminal one ({len(rewards) + 1} values)")
    values = np.asarray(values, np.float64)
    if kind == "baseline":
        return discounted_returns(rewards, gamma) - values[:-1]
    if kind == "actor_critic":
        return rewards + gamma * values[1:]
    if kind == "advantage":
        return rewards + gamma * values[1:] - values[:-1]
    if n < 1:
        raise ValueError(f"n-step returns need n >= 1, got {n}")
    horizon = len(rewards)
    weights = np.zeros(horizon, np.float64)
    for t in range(horizon):
        end = min(t + n, horizon)
        partial = sum(gamma ** (k - t) * rewards[k] for k in range(t, end))
        weights[t] = partial + gamma ** (end - t) * values[end] - values[t]
    return weights


def policy_gradient(kind: str, grad_log_probs: np.ndarray, rewards: np.ndarray, values: np.ndarray | None = None,
                    gamma: float = 1.0, n: int = 1) -> np.ndarray:
    """The estimate g = sum_t G_t grad log pi(a_t|s_t) for one episode; ``grad_log_probs`` is
    (T, parameters)."""
    weights = estimator_weights(kind, rewards, values, gamma, n)
    return (weights[:, None] * np.asarray(grad_log_probs, np.float64)).sum(axis=0)
