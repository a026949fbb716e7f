"""The command loop over byte streams: bytes that are not UTF-8, a controller that keeps its
end of the pipe open after ``quit``, interrupts, waiting input and the last-resort error guard."""
from __future__ import annotations

import io
import os
import threading

from gtp.config import EngineConfig
from tengen.wiring import build_engine
from tests.gtp.engines import config as make_config, engine as make_engine
from gtp.engine import GtpEngine
from gtp.server import serve


def engine() -> GtpEngine:
    return make_engine({"boardsize": 9, "player": "flat"})


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
    server = threading.Thread(target=serve, args=(build_engine(config), io.BytesIO(data), out), daemon=True)
    server.start()
    server.join(limit)
    assert not server.is_alive(), f"serve did not end: {out.getvalue()[-300:]!r}"
    return out.getvalue()


def test_an_analysis_stream_ends_when_the_next_command_is_waiting():
    text = serve_in_thread(b"1 lz-analyze b 10\n2 name\n", make_config({"boardsize": 9, "player": "flat"}))
    assert text.startswith("=1\n") and text.endswith("\n\n=2 Tengen\n\n")



class ScriptedEngine:
    """Stands in for GtpEngine in ``serve``: ``wait`` blocks until the loop's ``interrupted`` or
    ``input_pending`` hook turns true (or 3 s pass) and answers which did; ``boom`` raises."""

    def __init__(self) -> None:
        self.quit_requested = False
        self.waiting = threading.Event()

    def execute(self, command, write, input_pending, interrupted) -> None:
        if command.name == "boom":
            raise ValueError("the engine broke")
        if command.name == "quit":
            self.quit_requested = True
        answer = "ok"
        if command.name == "wait":
            self.waiting.set()
            answer = "timeout"
            for _ in range(300):
                if interrupted():
                    answer = "interrupted"
                    break
                if command.args == ["pending"] and input_pending():
                    answer = "pending"
                    break
                threading.Event().wait(0.01)
        write(f"={command.id if command.id is not None else ''} {answer}\n\n")


def serve_while_waiting(then: bytes, wait_args: bytes = b"") -> str:
    """``1 wait``, then ``then`` written only once the engine is inside ``wait``; the output."""
    read_end, write_end = os.pipe()
    scripted, out = ScriptedEngine(), io.StringIO()
    with os.fdopen(read_end, "rb") as source:
        server = threading.Thread(target=serve, args=(scripted, source, out), daemon=True)
        server.start()
        try:
            os.write(write_end, b"1 wait" + wait_args + b"\n")
            assert scripted.waiting.wait(10)
            os.write(write_end, then)
        finally:
            os.close(write_end)
        server.join(30)
    assert not server.is_alive()
    return out.getvalue()


def test_an_interrupt_comment_interrupts_the_running_command():
    assert serve_while_waiting(b"# Interrupt\n2 name\n") == "=1 interrupted\n\n=2 ok\n\n"


def test_a_command_arriving_does_not_interrupt_but_shows_as_pending_input():
    assert serve_while_waiting(b"2 name\n") == "=1 timeout\n\n=2 ok\n\n"
    assert serve_while_waiting(b"2 name\n", b" pending") == "=1 pending\n\n=2 ok\n\n"


def test_an_exception_out_of_the_engine_is_answered_with_its_id_and_serving_goes_on():
    out = io.StringIO()
    serve(ScriptedEngine(), io.BytesIO(b"7 boom\nboom\n8 name\n9 quit\n10 name\n"), out)
    assert out.getvalue() == ("?7 internal error: the engine broke\n\n? internal error: the engine broke\n\n"
                              "=8 ok\n\n=9 ok\n\n")


def test_an_interrupt_sent_right_after_its_command_is_not_lost_or_carried_over():
    """The interrupt may be read before the loop starts the command; it still stops that command,
    and the command after it runs uninterrupted."""
    out = io.StringIO()
    serve(ScriptedEngine(), io.BytesIO(b"1 name\n2 wait\n# interrupt\n3 wait\n"), out)
    assert out.getvalue() == "=1 ok\n\n=2 interrupted\n\n=3 timeout\n\n"


def test_empty_and_comment_only_lines_get_no_response_and_serving_goes_on():
    out = io.StringIO()
    serve(ScriptedEngine(), io.BytesIO(b"\n   \n# just a comment\n\t\n1 name\n"), out)
    assert out.getvalue() == "=1 ok\n\n"
