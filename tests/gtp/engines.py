"""Engines for the GTP tests, built the way ``tengen gtp`` builds them (:mod:`tengen.wiring`)
from settings written as the command line writes them (``{"time.visits": 400}``)."""
from __future__ import annotations

from common.settings import apply_settings
from gtp.config import EngineConfig
from gtp.engine import GtpEngine
from tengen.wiring import build_engine


def config(settings: dict[str, object]) -> EngineConfig:
    return apply_settings(EngineConfig(), settings)


def engine(settings: dict[str, object], log=lambda text: None) -> GtpEngine:
    return build_engine(config(settings), log=log)
