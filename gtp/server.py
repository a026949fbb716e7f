"""Connects a GtpEngine to byte streams: a reader thread keeps reading input while the engine
thinks (analysis stops on any new line, ``# interrupt`` stops a genmove), and every response and
analysis line is written and flushed at once. Only protocol text reaches the output stream. With
``ponder`` on, the engine searches between its move and the next line."""
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
    # An interrupt stops the lines read before it, counted by the reader, so that one arriving
    # before the loop has even started its command is not lost (nor carried to a later command).
    lines_read = 0
    interrupted_up_to = 0

    def read() -> None:
        nonlocal lines_read, interrupted_up_to
        try:
            for raw in iter(source.readline, b""):
                text = raw.decode("utf-8", errors="replace")
                if text.strip().lower() == INTERRUPT_COMMENT:
                    interrupted_up_to = lines_read
                else:
                    lines_read += 1
                    lines.put(text)
        finally:
            lines.put(None)

    threading.Thread(target=read, name="gtp-reader", daemon=True).start()

    def write(text: str) -> None:
        sink.write(text)
        sink.flush()

    lines_taken = 0
    while True:
        raw = lines.get()
        if raw is None:
            break
        lines_taken += 1
        line = preprocess(raw)
        if not line:
            continue
        command = parse(line)
        number = lines_taken
        try:
            engine.execute(command, write, input_pending=lambda: not lines.empty(),
                           interrupted=lambda: interrupted_up_to >= number)
        except Exception as error:  # the engine answers every command itself; this is the last guard
            write(format_response(command.id, False, f"internal error: {error}"))
        if engine.quit_requested:
            break
        if lines.empty():  # the opponent's time: ponder (when on) until the next line arrives
            try:
                engine.ponder(should_stop=lambda: not lines.empty())
            except Exception as error:  # pondering is optional: never let it end the session
                engine.log(f"pondering stopped: {error!r}")
