"""The policy-gradient estimators on the textbook random walk: the worked REINFORCE example,
unbiasedness, the variance a baseline saves, the bias a wrong critic causes, and a Monte Carlo
value fit."""
from __future__ import annotations

import numpy as np
import pytest

from training.policy_gradient import discounted_returns, estimator_weights, policy_gradient
from tests.training.random_walk import LEFT, RIGHT, Episode, run_episode

THETA0 = np.zeros(2)


def test_the_worked_reinforce_example():
    episode = Episode(np.array([0, 0.3, 1.6, 2.1, 1.3]), np.array([RIGHT, RIGHT, LEFT, RIGHT, RIGHT]), -np.ones(5))
    g = policy_gradient("reinforce", episode.grad_log_probs(THETA0), episode.rewards)
    assert g == pytest.approx([-0.95, -4.5])
    assert discounted_returns(episode.rewards, 1.0).tolist() == [-5, -4, -3, -2, -1]


def test_estimator_weights_follow_the_table():
    rewards = np.array([-1.0, -1.0, -1.0])
    values = np.array([-2.5, -2.0, -0.5, 0.0])
    assert estimator_weights("baseline", rewards, values).tolist() == [-0.5, 0.0, -0.5]
    assert estimator_weights("actor_critic", rewards, values).tolist() == [-3.0, -1.5, -1.0]
    assert estimator_weights("advantage", rewards, values).tolist() == [-0.5, 0.5, -0.5]
    two_step = estimator_weights("nstep", rewards, values, n=2)
    assert two_step.tolist() == [(-1 - 1 - 0.5) + 2.5, (-1 - 1 + 0.0) + 2.0, -1 + 0.5]
    assert np.array_equal(estimator_weights("nstep", rewards, values, n=10), estimator_weights("baseline", rewards, values))
    assert np.array_equal(estimator_weights("nstep", rewards, values, n=1), estimator_weights("advantage", rewards, values))
    with pytest.raises(ValueError, match="needs V"):
        estimator_weights("advantage", rewards)


def sample(theta, episodes, seed):
    rng = np.random.default_rng(seed)
    return [run_episode(theta, rng) for _ in range(episodes)]


def mc_value_fit(episodes):
    """Monte Carlo (TD(1)) regression of the return on (1, x^2, x^4): V is symmetric in x here."""
    xs = np.concatenate([e.states for e in episodes])
    returns = np.concatenate([discounted_returns(e.rewards, 1.0) for e in episodes])
    features = np.stack([np.ones_like(xs), xs ** 2, xs ** 4], axis=1)
    coefficients, *_ = np.linalg.lstsq(features, returns, rcond=None)
    return lambda x: coefficients @ np.array([1.0, x * x, x ** 4])


def estimates(kind, episodes, theta, value):
    out = []
    for e in episodes:
        values = None if value is None else np.append([value(x) for x in e.states], 0.0)
        out.append(policy_gradient(kind, e.grad_log_probs(theta), e.rewards, values))
    return np.array(out)


@pytest.fixture(scope="module")
def walk():
    theta = np.array([0.3, 0.2])
    value = mc_value_fit(sample(theta, 4000, seed=1))
    return theta, sample(theta, 6000, seed=2), value


def test_monte_carlo_value_fit_recovers_v0_of_the_uniform_policy():
    truth = -np.mean([len(e.states) for e in sample(THETA0, 40000, seed=3)])  # -E[steps from 0]
    fitted = mc_value_fit(sample(THETA0, 4000, seed=4))(0.0)
    assert fitted == pytest.approx(truth, rel=0.05)


def test_reinforce_with_and_without_baseline_agree_and_the_baseline_lowers_variance(walk):
    theta, episodes, value = walk
    plain = estimates("reinforce", episodes, theta, None)
    based = estimates("baseline", episodes, theta, value)
    wrong = estimates("baseline", episodes, theta, lambda x: -20.0)  # any baseline keeps it unbiased
    error = 4 * plain.std(axis=0) / np.sqrt(len(episodes))
    assert np.all(np.abs(plain.mean(0) - based.mean(0)) < error)
    assert np.all(np.abs(plain.mean(0) - wrong.mean(0)) < 4 * wrong.std(axis=0) / np.sqrt(len(episodes)))
    assert np.all(based.var(axis=0) < 0.5 * plain.var(axis=0))


def test_critics_are_unbiased_only_with_a_good_value_function(walk):
    theta, episodes, value = walk
    plain = estimates("reinforce", episodes, theta, None).mean(0)
    error = 4 * estimates("reinforce", episodes, theta, None).std(axis=0) / np.sqrt(len(episodes))
    for kind in ("actor_critic", "advantage", "nstep"):
        good = estimates(kind, episodes, theta, value).mean(0)
        assert np.all(np.abs(good - plain) < error + 0.1 * np.abs(plain)), kind
    biased = estimates("advantage", episodes, theta, lambda x: -0.5 * x * x).mean(0)  # a poor critic
    assert np.any(np.abs(biased - plain) > error), "a wrong critic should bias the estimate"


REWARDS = np.array([1.0, 0.0, -2.0, 3.0])
VALUES = np.array([0.5, -0.25, 1.0, 2.0, 0.0])  # V(s_0..s_3), then the terminal state's 0


@pytest.mark.parametrize("g", [0.9, 0.5])
def test_discounted_returns_below_gamma_one(g):
    expected = [1 + g * 0 + g ** 2 * -2 + g ** 3 * 3, 0 + g * -2 + g ** 2 * 3, -2 + g * 3, 3]
    assert discounted_returns(REWARDS, g) == pytest.approx(expected, abs=1e-12)
    assert estimator_weights("reinforce", REWARDS, gamma=g) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("g", [0.9, 0.5])
def test_every_estimator_below_gamma_one(g):
    r, v = REWARDS, VALUES
    returns = [r[0] + g * r[1] + g ** 2 * r[2] + g ** 3 * r[3], r[1] + g * r[2] + g ** 2 * r[3], r[2] + g * r[3], r[3]]
    expected = {
        "baseline": [returns[t] - v[t] for t in range(4)],
        "actor_critic": [r[0] + g * v[1], r[1] + g * v[2], r[2] + g * v[3], r[3] + g * v[4]],
        "advantage": [r[0] + g * v[1] - v[0], r[1] + g * v[2] - v[1], r[2] + g * v[3] - v[2], r[3] + g * v[4] - v[3]],
        "nstep": [r[0] + g * r[1] + g ** 2 * v[2] - v[0], r[1] + g * r[2] + g ** 2 * v[3] - v[1],
                  r[2] + g * r[3] + g ** 2 * v[4] - v[2], r[3] + g * v[4] - v[3]],  # the last step reaches the end
    }
    for kind, weights in expected.items():
        assert estimator_weights(kind, REWARDS, VALUES, gamma=g, n=2) == pytest.approx(weights, abs=1e-12), kind
    three = estimator_weights("nstep", REWARDS, VALUES, gamma=g, n=3)
    assert three[0] == pytest.approx(r[0] + g * r[1] + g ** 2 * r[2] + g ** 3 * v[3] - v[0], abs=1e-12)
    grads = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0], [0.5, 0.5]])
    for kind, weights in expected.items():  # policy_gradient passes gamma and n on
        assert policy_gradient(kind, grads, REWARDS, VALUES, gamma=g, n=2) == pytest.approx(np.array(weights) @ grads,
                                                                                         abs=1e-12), kind


def test_n_step_returns_default_to_one_step():
    rewards = np.array([0.0, 1.0, -1.0])
    values = np.array([0.2, -0.4, 0.7, 0.0])
    one_step = estimator_weights("advantage", rewards, values)
    assert np.array_equal(estimator_weights("nstep", rewards, values), one_step)
    grads = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    assert np.array_equal(policy_gradient("nstep", grads, rewards, values), (one_step[:, None] * grads).sum(0))


def test_float32_network_outputs_are_weighted_in_double_precision():
    """Rewards and values often come from float32 networks: the weights are those of the same
    numbers in float64, not float32 arithmetic."""
    rewards = np.array([0.1, 0.2, 0.3], np.float32)
    values = np.array([0.1, 0.7, 0.3, 0.0], np.float32)
    for kind in ("reinforce", "baseline", "actor_critic", "advantage", "nstep"):
        weights = estimator_weights(kind, rewards, values, gamma=0.9, n=2)
        exact = estimator_weights(kind, rewards.astype(np.float64), values.astype(np.float64), gamma=0.9, n=2)
        assert weights.dtype == np.float64 and np.array_equal(weights, exact), kind


def test_estimator_errors_say_what_is_expected():
    with pytest.raises(ValueError, match="^unknown estimator 'sarsa': expected one of reinforce, baseline, actor_critic, "
                                         "advantage, nstep$"):
        estimator_weights("sarsa", REWARDS, VALUES)
    with pytest.raises(ValueError, match=r"^baseline needs V for every state and the terminal one \(5 values\)$"):
        estimator_weights("baseline", REWARDS, VALUES[:-1])
    with pytest.raises(ValueError, match="^n-step returns need n >= 1, got 0$"):
        estimator_weights("nstep", REWARDS, VALUES, n=0)


@pytest.mark.parametrize("bias, direction", [(50.0, 1), (-50.0, -1)])
def test_without_noise_the_walk_moves_one_step_per_action(bias, direction):
    """sigma 0: every step is exactly 1; a policy that always goes one way leaves [-3, 3] after 4
    actions, each costing 1."""
    episode = run_episode(np.array([0.0, bias]), np.random.default_rng(0), sigma=0.0)
    assert episode.states.tolist() == [0.0, direction * 1.0, direction * 2.0, direction * 3.0]
    assert episode.actions.tolist() == [RIGHT if direction > 0 else LEFT] * 4 and episode.rewards.tolist() == [-1.0] * 4


def test_the_walk_steps_by_the_action_and_a_normal_step_around_one():
    rng = np.random.default_rng(5)
    steps = []
    for _ in range(200):
        episode = run_episode(THETA0, rng, sigma=0.5)
        moves = np.diff(episode.states) * np.where(episode.actions[:-1] == RIGHT, 1, -1)
        steps.extend(moves.tolist())
        assert np.abs(episode.states).max() <= 3.0
    assert np.mean(steps) == pytest.approx(1.0, abs=0.05) and np.std(steps) == pytest.approx(0.5, abs=0.05)
    assert len(run_episode(THETA0, rng, sigma=0.0, max_steps=3).states) == 3  # it cannot leave in 3 steps
