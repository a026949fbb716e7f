"""The evaluator contract (:mod:`nets.evaluator`) implemented with PyTorch networks: features,
symmetries, half precision on CUDA and a position cache. Priors (B, size*size + 1) in
policy-index order then pass, values (B,) from the side to move's view."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import torch

from gogame import board_nb as nb
from gogame.board_nb import BLACK
from gogame.features import FEATURE_SETS, komi_plane_value
from gogame.features_nb import ALPHAGO_PLANES, alphago_planes_batch_nb
from gogame.symmetry import inverse, policy_index_map, transform_array

from .config import NetConfig
from .device import pick_device
from .evaluator import LeafBatch


class TorchEvaluator:
    """Policy and value from PyTorch networks: a ``policy`` net (or a ``dual`` net for both) and
    an optional ``value`` net. Eval and inference mode; fp16 (or bf16) on CUDA; ``symmetry``
    ``random`` (one of the 8 per batch), ``average`` (all 8) or ``none``; an LRU cache of
    ``cache_size`` positions keyed by (board size, stones hash, ko point, side to move); the
    turns-since planes are not in the key, a deliberate approximation shared with other engines."""

    def __init__(self, policy: torch.nn.Module | None = None, value: torch.nn.Module | None = None,
                 device: str = "auto", symmetry: str = "random", cache_size: int = 100_000,
                 half: str = "fp16", seed: int = 0, value_board_sizes: tuple[int, ...] | None = None,
                 value_komi: float | None = None) -> None:
        if policy is None:
            raise ValueError("a TorchEvaluator needs a policy or dual network")
        if symmetry not in ("random", "average", "none"):
            raise ValueError(f"unknown symmetry mode {symmetry!r}")
        self.device = pick_device(device)
        self.dtype = torch.float32
        if self.device.type == "cuda" and half in ("fp16", "bf16"):
            self.dtype = torch.float16 if half == "fp16" else torch.bfloat16
        self.policy = policy.to(self.device, self.dtype).eval()
        self.value = None if value is None else value.to(self.device, self.dtype).eval()
        self.dual = policy.config.kind == "dual"
        self.zero = policy.config.kind == "zero"
        self.has_value = self.dual or self.zero or value is not None
        # the alphago feature sets carry no komi: batches of any komi may be joined (see
        # selfplay.inference); value_applies says where the value itself holds. A zero network
        # reads komi: its batches must not be joined across komi
        self.komi_blind = not self.zero
        self.heads = ("ownership", "score") if self.zero else ()
        self.value_board_sizes = value_board_sizes
        self.value_komi = value_komi
        configs = [policy.config] + ([value.config] if value is not None else [])
        self.colour_plane = any(c.feature_set in ("alphago49", "zero50") for c in configs)
        self.komi_plane = any(c.feature_set == "zero50" for c in configs)
        name = "zero50" if self.komi_plane else ("alphago49" if self.colour_plane else "alphago48")
        self.planes = FEATURE_SETS[name].planes
        if any(c.feature_set not in ("alphago48", "alphago49", "zero50") for c in configs):
            raise ValueError("TorchEvaluator reads the alphago48, alphago49 and zero50 feature sets")
        self.planes_for = {id(m): m.config.input_planes for m in (self.policy, self.value) if m is not None}
        self.symmetry = symmetry
        self.rng = np.random.default_rng(seed)
        self.cache_size = cache_size
        self.cache: OrderedDict[tuple, tuple[np.ndarray, float]] = OrderedDict()
        self.cache_lock = threading.Lock()

    def value_applies(self, size: int, komi: float) -> bool:
        """Whether the value output means anything for this game: the network sees neither komi
        nor (being convolutional) a board size it was not trained on, so a game with another komi
        or size than the value network's training games must be valued by rollouts alone."""
        if not self.has_value:
            return False
        if self.value_board_sizes is not None and size not in self.value_board_sizes:
            return False
        return self.value_komi is None or abs(komi - self.value_komi) < 1e-9

    @staticmethod
    def key(board: np.ndarray, to_move: int) -> tuple:
        """Size, stones, ko point and side to move: what the network sees (stone ages aside)."""
        return int(board[nb.H_SIZE]), int(board[nb.H_HASH]), int(board[nb.H_KO]), int(to_move)

    def features(self, batch: LeafBatch) -> np.ndarray:
        planes = np.zeros((len(batch), self.planes, batch.size, batch.size), np.float32)
        alphago_planes_batch_nb(batch.boards, batch.to_move, planes, self.colour_plane)
        if self.komi_plane:
            values = np.where(batch.to_move == BLACK, komi_plane_value(batch.komi, BLACK),
                              komi_plane_value(batch.komi, 3 - BLACK))
            planes[:, ALPHAGO_PLANES + 1] = values[:, None, None]
        return planes

    @torch.inference_mode()
    def _forward(self, planes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        symmetries = list(range(8)) if self.symmetry == "average" else (
            [int(self.rng.integers(8))] if self.symmetry == "random" else [0])
        priors = np.zeros((planes.shape[0], size * size + 1), np.float32)
        values = np.zeros(planes.shape[0], np.float32)
        for k in symmetries:
            x = torch.from_numpy(np.ascontiguousarray(transform_array(planes, k))).to(self.device, self.dtype)
            if self.zero:
                heads = self.policy(x)
                logits = heads["policy"]
                wdl = torch.softmax(heads["value"].float(), dim=1)
                value = wdl[:, 0] - wdl[:, 1]  # win minus loss, draws count half each way
            elif self.dual:
                logits, value, _ownership = self.policy(x[:, : self.planes_for[id(self.policy)]])
            else:
                logits = self.policy(x[:, : self.planes_for[id(self.policy)]])
                value = self.value(x[:, : self.planes_for[id(self.value)]]) if self.value is not None else None
            probabilities = torch.softmax(logits.float(), dim=1).cpu().numpy()
            # the network saw the board under k: map its policy back with the inverse symmetry
            back = policy_index_map(size, inverse(k))
            restored = np.empty_like(probabilities)
            restored[:, back] = probabilities
            priors += restored
            if value is not None:
                values += value.float().cpu().numpy()
        return priors / len(symmetries), values / len(symmetries)

    @torch.inference_mode()
    def evaluate_heads(self, batch: LeafBatch) -> dict[str, np.ndarray]:
        """A zero network's ownership and score (see :class:`nets.evaluator.Evaluator`), the board
        as it is (no symmetry); ValueError for a network without those heads."""
        if not self.zero:
            raise ValueError("only a zero network has ownership and score heads")
        x = torch.from_numpy(self.features(batch)).to(self.device, self.dtype)
        heads = self.policy(x)
        score = heads["score"].float().cpu().numpy()
        return {"ownership": heads["ownership"].float().cpu().numpy(), "score_mean": score[:, 0],
                "score_stdev": np.exp(np.clip(score[:, 1], -10, 10))}

    def evaluate_batch(self, batch: LeafBatch) -> tuple[np.ndarray, np.ndarray]:
        if self.cache_size == 0:
            return self._forward(self.features(batch), batch.size)
        actions = batch.size * batch.size + 1
        priors = np.empty((len(batch), actions), np.float32)
        values = np.empty(len(batch), np.float32)
        keys = [self.key(batch.boards[i], batch.to_move[i]) for i in range(len(batch))]
        if self.komi_plane:  # the network reads komi: the same stones under another komi are another input
            keys = [key + (batch.komi,) for key in keys]
        missing = []
        with self.cache_lock:  # self-play's worker threads may share this evaluator
            for i, key in enumerate(keys):
                hit = self.cache.get(key)
                if hit is None:
                    missing.append(i)
                else:
                    self.cache.move_to_end(key)
                    priors[i], values[i] = hit
        if missing:
            sub = LeafBatch(batch.boards[missing], batch.to_move[missing], batch.size, batch.komi, batch.territory)
            new_priors, new_values = self._forward(self.features(sub), batch.size)
            priors[missing], values[missing] = new_priors, new_values
            with self.cache_lock:
                for j, i in enumerate(missing):
                    # a copy: a view would keep the whole batch's array alive while any row is cached
                    self.cache[keys[i]] = (new_priors[j].copy(), float(new_values[j]))
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)
        return priors, values


def default_networks(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    """Freshly initialised default policy and value networks (random weights time the same)."""
    from .models import build_network

    torch.manual_seed(seed)
    return build_network(NetConfig(kind="policy")), build_network(NetConfig(kind="value", feature_set="alphago49"))


__all__ = ["TorchEvaluator", "default_networks"]
