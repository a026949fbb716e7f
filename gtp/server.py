"""Connects a GtpEngine to byte streams: a reader thread keeps reading input while the engine
thinks (analysis stops on any new line, ``# interrupt`` stops a genmove), and every response and
analysis line is written and flushed at once. Only protocol text reaches the output stream."""
from __future__ import annotations

import queue
import threading
from typing import BinaryIO, TextIO

from .engine import GtpEngine
from .protocol import format_response, parse, preprocess

INTERRUPT_COMMENT = "# interrupt"


def serve(engine: GtpEngine, source: BinaryIO, sink: TextIO) -> None:
    """Run the command loop until ``quit`` or the end of ``source``."""
    lines: queue.Queue[str | None] = queue.Queue()
    interrupt = threading.Event()

    def read() -> None:
        try:
            for raw in iter(source.readline, b""):
                text = raw.decode("utf-8", errors="replace")
                if text.strip().lower() == INTERRUPT_COMMENT:
                    interrupt.set()
                lines.put(text)
        finally:
            lines.put(None)

    threading.Thread(target=read, name="gtp-reader", daemon=True).start()

    def write(text: str) -> None:
        sink.write(text)
        sink.flush()

    while True:
        raw = lines.get()
        if raw is None:
            break
        line = preprocess(raw)
        if not line:
            continue
        interrupt.clear()
        command = parse(line)
        try:
            engine.execute(command, write, input_pending=lambda: not lines.empty(), interrupted=interrupt.is_set)
        except Exception as error:  # the engine answers every command itself; this is the last guard
            write(format_response(command.id, False, f"internal error: {error}"))
        if engine.quit_requested:
            break
