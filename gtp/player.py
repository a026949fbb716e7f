"""Builds the engine's searcher from its settings: the MCTS with networks when weights are given
(or bundled), else the MCTS with rollouts only; on request the raw policy network (no search) or
the flat Monte Carlo player."""
from __future__ import annotations

from pathlib import Path

import nets
from nets.checkpoint import load_checkpoint
from nets.evaluator import RolloutEvaluator, TorchEvaluator, UniformEvaluator
from nets.rollout_policy import RolloutPolicy
from search.flat import FlatConfig, FlatMonteCarlo
from search.mcts import MCTS, SearchConfig
from search.policy_player import PolicyPlayer, PolicyPlayerConfig

from .config import EngineConfig

BUNDLED_WEIGHTS = Path(nets.__file__).resolve().parent / "weights"  # next to the package, never the cwd
BUNDLED_POLICY = BUNDLED_WEIGHTS / "policy-9x9.safetensors"
BUNDLED_RL_POLICY = BUNDLED_WEIGHTS / "policy-rl-9x9.safetensors"
BUNDLED_VALUE = BUNDLED_WEIGHTS / "value-9x9.safetensors"
BUNDLED_ROLLOUT = BUNDLED_WEIGHTS / "rollout-9x9.safetensors"


def describe(config: EngineConfig) -> str:
    weights = resolve_weights(config)
    if config.player == "flat":
        return "flat Monte Carlo player"
    if config.player == "policy":
        return f"policy network {weights[0]} alone (no search)"
    if weights[0] is None:
        return "MCTS with rollouts (no network weights)"
    return f"MCTS with networks {weights[0]}" + (f" and {weights[1]}" if weights[1] else "")


def resolve_weights(config: EngineConfig) -> tuple[str | None, str | None]:
    """The policy and value checkpoints: the configured ones, else the bundled ones if present.
    The search takes its priors from the SL policy (AlphaGo found it better there); the raw policy
    player plays the stronger RL policy."""
    if config.weights:
        return config.weights, config.value_weights
    if config.player == "policy" and BUNDLED_RL_POLICY.is_file():
        return str(BUNDLED_RL_POLICY), (str(BUNDLED_VALUE) if BUNDLED_VALUE.is_file() else None)
    if BUNDLED_POLICY.is_file():
        return str(BUNDLED_POLICY), (str(BUNDLED_VALUE) if BUNDLED_VALUE.is_file() else None)
    return None, None


def rollout_policy(config: EngineConfig) -> RolloutPolicy | None:
    """The fast rollout policy: the configured file, else the bundled one if present, else none
    (rollouts then play capture-aware random moves)."""
    if config.rollout_weights:
        return RolloutPolicy.load(config.rollout_weights, seed=config.seed)
    if BUNDLED_ROLLOUT.is_file() and not config.weights:
        return RolloutPolicy.load(BUNDLED_ROLLOUT, seed=config.seed)
    return None


def build_searcher(config: EngineConfig):
    """The searcher for ``config``; a missing or bad checkpoint raises CheckpointError (a
    ValueError) that names the file and the reason."""
    if config.player == "flat":
        return FlatMonteCarlo(FlatConfig(seed=config.seed))
    policy_path, value_path = resolve_weights(config)
    if config.player == "policy" and policy_path is None:
        raise ValueError("player=policy needs policy weights (--weights), and none are bundled")
    rollouts = rollout_policy(config) if config.player == "mcts" else None
    if policy_path is None:
        evaluator = RolloutEvaluator(seed=config.seed) if rollouts is None else UniformEvaluator()
        return MCTS(evaluator, SearchConfig(batch_size=8, rollout_weight=0.0 if rollouts is None else 1.0, c_puct=3.0,
                                            fpu_reduction=0.0, node_limit=config.node_limit, seed=config.seed),
                    rollout_policy=rollouts)
    policy, _ = load_checkpoint(policy_path)
    if policy.config.kind == "value":
        raise ValueError(f"{policy_path}: a value network cannot be the policy (use --value-weights for it)")
    value, value_info = load_checkpoint(value_path, expected_kind="value") if value_path else (None, None)
    # a value network is valid for the board sizes and the komi of the games it learned from
    scope = {} if value_info is None else {"value_board_sizes": tuple(value_info.board_sizes),
                                           "value_komi": value_info.provenance.get("komi")}
    if config.player == "policy":
        evaluator = TorchEvaluator(policy, value, device=config.device, symmetry="none", cache_size=0, seed=config.seed,
                                   **scope)
        return PolicyPlayer(evaluator, PolicyPlayerConfig(temperature=config.policy_temperature, seed=config.seed))
    evaluator = TorchEvaluator(policy, value, device=config.device, seed=config.seed, **scope)
    has_value = evaluator.has_value
    return MCTS(evaluator, SearchConfig(batch_size=config.batch_size,
                                        rollout_weight=config.rollout_weight if has_value else 1.0,
                                        node_limit=config.node_limit, seed=config.seed),
                rollout_policy=rollouts)
