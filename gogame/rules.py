"""The rules in force (a frozen dataclass) and the error an illegal move raises."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

KO_RULES = ("simple", "positional", "situational")
SCORING_RULES = ("area", "territory")
HANDICAP_COMPENSATIONS = ("none", "n", "n-1")
MAX_KOMI = 1000.0


def check_komi(komi: float) -> float:
    """Return ``komi`` as a float if it is finite and within +-1000, else raise ValueError."""
    try:
        value = float(komi)
    except (TypeError, ValueError):
        raise ValueError(f"komi {komi!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > MAX_KOMI:
        raise ValueError(f"komi {komi!r} is out of range: it must be finite and within +-{MAX_KOMI:g}")
    return value


@dataclass(frozen=True)
class Rules:
    """How a game is played and scored.

    ko: ``simple`` (only the immediate recapture is banned), ``positional`` superko (no board
        position may repeat; the default) or ``situational`` superko (no position may repeat with
        the same player to move).
    suicide: when True, a move that removes its own chain of two or more stones is legal
        (Tromp-Taylor, New Zealand). Single-stone suicide is never legal: it changes nothing.
    scoring: ``area`` (stones plus surrounded empty points, Chinese / Tromp-Taylor) or
        ``territory`` (surrounded empty points plus prisoners and dead stones, Japanese).
    handicap_compensation: points White receives per handicap stone under area scoring: ``n``
        (Chinese), ``n-1`` (AGA) or ``none`` (Tromp-Taylor). Territory scoring ignores it.
    komi: points White receives at the end (finite, within +-1000). The named rule sets all keep
        the default 7.5: komi is agreed per game, so a rule set named later keeps a game's komi
        (GTP ``kgs-rules``) only where the caller carries it over.
    """

    ko: str = "positional"
    suicide: bool = False
    scoring: str = "area"
    handicap_compensation: str = "n"
    komi: float = 7.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "komi", check_komi(self.komi))
        if self.ko not in KO_RULES:
            raise ValueError(f"unknown ko rule {self.ko!r}: expected one of {', '.join(KO_RULES)}")
        if self.scoring not in SCORING_RULES:
            raise ValueError(f"unknown scoring {self.scoring!r}: expected one of {', '.join(SCORING_RULES)}")
        if self.handicap_compensation not in HANDICAP_COMPENSATIONS:
            raise ValueError(
                f"unknown handicap compensation {self.handicap_compensation!r}: "
                f"expected one of {', '.join(HANDICAP_COMPENSATIONS)}"
            )
        if not isinstance(self.suicide, bool):
            raise ValueError(f"suicide must be true or false, not {self.suicide!r}")

    @classmethod
    def named(cls, name: str, current: "Rules | None" = None) -> "Rules":
        """The rule set called ``name`` (``chinese``, ``japanese``, ``tromp_taylor``, ..., any case),
        with ``current``'s komi when given (komi is the game's, not the rule set's); a ValueError
        that lists the known names."""
        key = name.lower().replace("_", "-")
        if key not in NAMED_RULES:
            raise ValueError(f"unknown rules {name!r}: known are {', '.join(NAMED_RULES)}")
        return NAMED_RULES[key] if current is None else NAMED_RULES[key].with_changes(komi=current.komi)

    def with_changes(self, **changes) -> "Rules":
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)


CHINESE = Rules()
JAPANESE = Rules(ko="simple", scoring="territory", handicap_compensation="none")
TROMP_TAYLOR = Rules(ko="positional", suicide=True, scoring="area", handicap_compensation="none")
NEW_ZEALAND = Rules(ko="situational", suicide=True, scoring="area", handicap_compensation="n")
AGA = Rules(ko="situational", scoring="area", handicap_compensation="n-1")
NAMED_RULES = {
    "chinese": CHINESE,
    "japanese": JAPANESE,
    "tromp-taylor": TROMP_TAYLOR,
    "new-zealand": NEW_ZEALAND,
    "aga": AGA,
}


class IllegalMove(ValueError):
    """A move the rules forbid. ``reason`` is one of ``occupied``, ``suicide``, ``ko``,
    ``superko``, ``off board``, ``wrong format``, ``game over``."""

    REASONS = ("occupied", "suicide", "ko", "superko", "off board", "wrong format", "game over")

    def __init__(self, reason: str, move: str, detail: str = "") -> None:
        assert reason in self.REASONS, reason
        self.reason = reason
        self.move = move
        message = f"illegal move {move}: {reason}"
        super().__init__(f"{message} ({detail})" if detail else message)
