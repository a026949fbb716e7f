"""The one place that turns settings into networks, an evaluator and a searcher.

The GTP engine, the terminal front end and the benchmarks receive what this module builds; none
of them loads a checkpoint or picks a searcher itself. (The match tool referees engines as GTP
programs, so it receives command lines, such as ``tengen gtp ...``, not objects.)

- ``player=flat``: flat Monte Carlo (``flat`` settings), no network.
- ``player=policy``: the policy network alone (``policy`` settings): the bundled RL policy
  unless ``nets.weights`` says otherwise.
- ``player=mcts``: the batched MCTS (``search`` settings) over the policy (SL: AlphaGo found it
  the better prior) and value networks, bundled or from ``nets.*``; with no network weights at
  all, the MCTS valued by playouts (``rollout_search`` settings). An evaluator without a value
  is always mixed with rollouts at weight 1, and so is a value network outside the board sizes
  and komi it was trained for (:meth:`nets.evaluator.Evaluator.value_applies`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import nets
from gtp.config import EngineConfig
from gtp.engine import GtpEngine
from nets.checkpoint import load_checkpoint
from nets.evaluator import Evaluator, RolloutEvaluator, UniformEvaluator
from nets.rollout_policy import RolloutPolicy
from nets.torch_evaluator import TorchEvaluator, default_networks
from search.flat import FlatMonteCarlo
from search.mcts import MCTS
from search.policy_player import PolicyPlayer
from search.searcher import Searcher

BUNDLED_WEIGHTS = Path(nets.__file__).resolve().parent / "weights"  # next to the package, never the cwd
BUNDLED_POLICY = BUNDLED_WEIGHTS / "policy-9x9.safetensors"
BUNDLED_RL_POLICY = BUNDLED_WEIGHTS / "policy-rl-9x9.safetensors"
BUNDLED_VALUE = BUNDLED_WEIGHTS / "value-9x9.safetensors"
BUNDLED_ROLLOUT = BUNDLED_WEIGHTS / "rollout-9x9.safetensors"


def describe(config: EngineConfig) -> str:
    """One line for the log: which player, with which networks."""
    weights = resolve_weights(config)
    if config.player == "flat":
        return "flat Monte Carlo player"
    if config.player == "policy":
        return f"policy network {weights[0]} alone (no search)"
    if weights[0] is None:
        return "MCTS with rollouts (no network weights)"
    return f"MCTS with networks {weights[0]}" + (f" and {weights[1]}" if weights[1] else "")


def resolve_weights(config: EngineConfig) -> tuple[str | None, str | None]:
    """The policy and value checkpoints: the configured ones, else the bundled ones if present
    (a configured value network alone goes with the bundled policy). The search takes its priors
    from the SL policy (AlphaGo found it better there); the raw policy player plays the stronger
    RL policy."""
    if config.nets.weights:
        return config.nets.weights, config.nets.value_weights
    bundled_value = str(BUNDLED_VALUE) if BUNDLED_VALUE.is_file() else None
    value = config.nets.value_weights or bundled_value
    if config.player == "policy" and BUNDLED_RL_POLICY.is_file():
        return str(BUNDLED_RL_POLICY), value
    if BUNDLED_POLICY.is_file():
        return str(BUNDLED_POLICY), value
    if config.nets.value_weights:
        raise ValueError("nets.value_weights needs a policy network: set nets.weights (none is bundled)")
    return None, None


def rollout_policy(config: EngineConfig) -> RolloutPolicy | None:
    """The fast rollout policy: the configured file, else the bundled one if present (and no
    other networks were asked for), else none (rollouts then play capture-aware random moves).
    Only its weights reach the search, whose rollouts draw from the search's own seeded stream."""
    if config.nets.rollout_weights:
        return RolloutPolicy.load(config.nets.rollout_weights)
    if BUNDLED_ROLLOUT.is_file() and not config.nets.weights:
        return RolloutPolicy.load(BUNDLED_ROLLOUT)
    return None


def load_networks(policy_path: str, value_path: str | None):
    """(policy, value or None, the value checkpoint's scope for TorchEvaluator); CheckpointError
    (a ValueError) names the file and the reason."""
    policy, _ = load_checkpoint(policy_path)
    if policy.config.kind == "value":
        raise ValueError(f"{policy_path}: a value network cannot be the policy (use --value-weights for it)")
    value, value_info = load_checkpoint(value_path, expected_kind="value") if value_path else (None, None)
    # a value network is valid for the board sizes and the komi of the games it learned from
    scope = {} if value_info is None else {"value_board_sizes": tuple(value_info.board_sizes),
                                           "value_komi": value_info.provenance.get("komi")}
    return policy, value, scope


def build_searcher(config: EngineConfig) -> Searcher:
    """The searcher for ``config``; a missing or bad checkpoint raises CheckpointError (a
    ValueError) that names the file and the reason."""
    if config.player == "flat":
        return FlatMonteCarlo(replace(config.flat, seed=config.seed))
    policy_path, value_path = resolve_weights(config)
    if config.player == "policy" and policy_path is None:
        raise ValueError("player=policy needs policy weights (--weights), and none are bundled")
    if config.player == "policy":
        policy, value, scope = load_networks(policy_path, value_path)
        evaluator = TorchEvaluator(policy, value, device=config.nets.device, symmetry="none", cache_size=0,
                                   seed=config.seed, **scope)
        return PolicyPlayer(evaluator, replace(config.policy, seed=config.seed))
    rollouts = rollout_policy(config)
    weights = None if rollouts is None else rollouts.weights
    evaluator: Evaluator
    if policy_path is None:
        evaluator = RolloutEvaluator(seed=config.seed) if rollouts is None else UniformEvaluator()
        settings = config.rollout_search
    else:
        policy, value, scope = load_networks(policy_path, value_path)
        evaluator = TorchEvaluator(policy, value, device=config.nets.device, seed=config.seed, **scope)
        settings = config.search
    # an evaluator without a value leaves the leaves' value to the rollouts alone
    mixing = settings.rollout_weight if evaluator.has_value else 1.0
    return MCTS(evaluator, replace(settings, rollout_weight=mixing, seed=config.seed), rollout_weights=weights)


def build_engine(config: EngineConfig, log: Callable[[str], None] = lambda text: None) -> GtpEngine:
    """A GTP engine playing with the searcher ``config`` describes."""
    return GtpEngine(config, build_searcher(config), log=log)


def bench_evaluator(kind: str, weights: str | None, value_weights: str | None, device: str, seed: int):
    """(evaluator, networks or None) for ``tengen bench mcts``: ``network`` (the checkpoints, or
    the default NetConfig with random weights, which time the same), ``uniform`` or ``rollout``."""
    if kind == "network":
        if weights is None:
            networks = default_networks(seed)
        else:
            policy, value, _ = load_networks(weights, value_weights)
            networks = (policy, value)
        return TorchEvaluator(*networks, device=device, symmetry="random", cache_size=0, seed=seed), networks
    if kind == "uniform":
        return UniformEvaluator(), None
    if kind == "rollout":
        return RolloutEvaluator(seed=seed), None
    raise ValueError(f"unknown evaluator {kind!r}: expected network, uniform or rollout")


def selfplay_weight_files(weights: str | None, value_weights: str | None) -> dict[str, str]:
    """The network files of ``tengen selfplay``: the given checkpoints, else the bundled SL
    policy and value networks ({"policy": path, "value": path}, value left out when none)."""
    if weights is None and value_weights is not None:
        raise ValueError("--value-weights needs --weights (the policy it goes with)")
    if weights is None:
        if not BUNDLED_POLICY.is_file():
            raise ValueError("no networks bundled: give --weights")
        weights = str(BUNDLED_POLICY)
        value_weights = str(BUNDLED_VALUE) if BUNDLED_VALUE.is_file() else None
    return {"policy": str(weights), **({"value": str(value_weights)} if value_weights else {})}


def selfplay_evaluator_from(files: dict[str, str], device: str = "auto", seed: int = 0):
    """(evaluator, rollout weights or None) from ``files`` (:func:`selfplay_weight_files`);
    module-level so that Ray can ship it to its actors. CheckpointError (a ValueError) names a
    missing or mismatched file."""
    policy, value, scope = load_networks(files["policy"], files.get("value"))
    evaluator = TorchEvaluator(policy, value, device=device, symmetry="random", seed=seed, **scope)
    rollouts = RolloutPolicy.load(BUNDLED_ROLLOUT).weights if BUNDLED_ROLLOUT.is_file() else None
    return evaluator, rollouts


def selfplay_evaluator(weights: str | None, value_weights: str | None, device: str, seed: int):
    """(evaluator, metadata for the shards, rollout weights, network files) for ``tengen selfplay``."""
    files = selfplay_weight_files(weights, value_weights)
    evaluator, rollouts = selfplay_evaluator_from(files, device, seed)
    meta = {"weights": {name: {"path": path, "sha256": _sha256(path)} for name, path in files.items()}}
    return evaluator, meta, rollouts, files


def _sha256(path: str) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


__all__ = ["BUNDLED_POLICY", "BUNDLED_RL_POLICY", "BUNDLED_ROLLOUT", "BUNDLED_VALUE", "BUNDLED_WEIGHTS",
           "bench_evaluator", "build_engine", "build_searcher", "describe", "load_networks", "resolve_weights",
           "rollout_policy", "selfplay_evaluator", "selfplay_evaluator_from", "selfplay_weight_files"]
