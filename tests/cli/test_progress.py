"""The progress line: only on a terminal, only for steps longer than the delay, erased after."""

from __future__ import annotations

import io
import threading

from roundabout.cli.progress import progress, say


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _wait_for(stream: io.StringIO, text: str) -> None:
    for _ in range(200):
        if text in stream.getvalue():
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"{text!r} never shown: {stream.getvalue()!r}")


def test_a_long_step_on_a_terminal_shows_its_label_and_time_then_erases_it() -> None:
    out = Tty()
    with progress("leaks: analysing", stream=out, after=0.05) as step:
        _wait_for(out, "leaks: analysing ... ")
        step("leaks: ranking")
        _wait_for(out, "leaks: ranking ... ")
    text = out.getvalue()
    assert text.startswith("\rleaks: analysing ... 0 s") and "\x1b" not in text
    width = len("leaks: analysing ... 0 s")
    assert text.endswith("\r" + " " * width + "\r")  # erased with spaces, no escape


def test_a_quick_step_prints_nothing() -> None:
    out = Tty()
    with progress("report", stream=out, after=5.0):
        pass
    assert out.getvalue() == ""


def test_redirected_output_never_gets_it() -> None:
    out = io.StringIO()
    with progress("leaks", stream=out, after=0.0) as step:
        step("still nothing")
        threading.Event().wait(0.1)
    assert out.getvalue() == ""


def test_quiet_shows_nothing_and_a_message_gets_a_line_of_its_own() -> None:
    out = Tty()
    with progress("fetch", stream=out, after=0.0, quiet=True):
        threading.Event().wait(0.1)
    assert out.getvalue() == ""
    with progress("screen parties", stream=out, after=0.0):
        _wait_for(out, "screen parties ... ")
        say("building the list index", out)
    text = out.getvalue()
    assert "\r" + " " * len("screen parties ... 0 s") + "\rbuilding the list index\n" in text
    plain = io.StringIO()
    say("building the list index", plain)
    assert plain.getvalue() == "building the list index\n"
