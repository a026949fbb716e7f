"""The command loop over byte streams: bytes that are not UTF-8, and a controller that keeps its
end of the pipe open after ``quit``."""
from __future__ import annotations

import io
import os
import threading

from gtp.config import EngineConfig
from gtp.engine import GtpEngine
from gtp.server import serve


def engine() -> GtpEngine:
    return GtpEngine(EngineConfig(boardsize=9, player="flat"))


def test_bytes_that_are_not_utf8_are_replaced_and_serving_goes_on():
    source = io.BytesIO(b"1 name\n2 known_command pl\xffay\n3 play b E5 # caf\xc3\xa9 \xfe\n4 list_stones black\n")
    out = io.StringIO()
    serve(engine(), source, out)
    assert out.getvalue() == "=1 Tengen\n\n=2 false\n\n=3\n\n=4 E5\n\n"


def test_quit_returns_while_the_controller_keeps_the_pipe_open():
    """The reader thread stays blocked on the open pipe after ``quit``; it must be a daemon
    thread, or the engine's process would not exit until the controller closed its end."""
    read_end, write_end = os.pipe()
    before = set(threading.enumerate())
    with os.fdopen(read_end, "rb") as source:
        try:
            os.write(write_end, b"1 quit\n")
            out = io.StringIO()
            serve(engine(), source, out)
            assert out.getvalue() == "=1\n\n"
            readers = [t for t in threading.enumerate() if t not in before]
            assert len(readers) == 1 and readers[0].is_alive() and readers[0].daemon
        finally:
            os.close(write_end)  # end of input: the reader thread ends
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)


def serve_in_thread(data: bytes, config: EngineConfig, limit: float = 60.0) -> str:
    """Serve ``data`` on another thread; fail (instead of hanging) if it has not ended in ``limit``."""
    out = io.StringIO()
    server = threading.Thread(target=serve, args=(GtpEngine(config), io.BytesIO(data), out), daemon=True)
    server.start()
    server.join(limit)
    assert not server.is_alive(), f"serve did not end: {out.getvalue()[-300:]!r}"
    return out.getvalue()


def test_an_analysis_stream_ends_when_the_next_command_is_waiting():
    text = serve_in_thread(b"1 lz-analyze b 10\n2 name\n", EngineConfig(boardsize=9, player="flat"))
    assert text.startswith("=1\n") and text.endswith("\n\n=2 Tengen\n\n")

