"""A progress line for long steps on a terminal: what runs, and for how long.

Shown on stderr only when it is a terminal and only once the step has taken longer than
:data:`AFTER` seconds (a quick run prints nothing); redirected output never gets it. The line
is rewritten in place twice a second and erased when the step ends: with a carriage return
and spaces only, no escape sequence (nothing on the terminal but text, which is what the
text-safety tests hold every command to).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

AFTER = 2.0
TICK = 0.5


@contextmanager
def progress(
    label: str, *, stream: TextIO | None = None, after: float = AFTER, quiet: bool = False
) -> Iterator[Callable[[str], None]]:
    """``with progress("leaks: analysing") as step: ...; step("writing")``; nothing with
    ``quiet`` (``--quiet``, ``--json``)."""
    out = sys.stderr if stream is None else stream
    if quiet or not out.isatty():
        yield lambda _label: None
        return
    state = {"label": label}
    start = time.monotonic()
    done = threading.Event()
    shown = threading.Event()

    def show() -> None:
        if done.wait(after):
            return
        while not done.is_set():
            text = f"{state['label']} ... {time.monotonic() - start:.0f} s"
            out.write("\r" + text.ljust(_SHOWN.get(id(out), 0)))
            out.flush()
            _SHOWN[id(out)] = max(_SHOWN.get(id(out), 0), len(text))
            shown.set()
            done.wait(TICK)

    ticker = threading.Thread(target=show, name="progress", daemon=True)
    ticker.start()
    try:
        yield lambda new: state.__setitem__("label", new)
    finally:
        done.set()
        ticker.join()
        if shown.is_set():
            _erase(out)


def say(message: str, stream: TextIO | None = None) -> None:
    """Print ``message`` as a line of its own on ``stream`` (stderr) while a progress line may
    be shown there: on a terminal the progress line is erased first (it is redrawn at its next
    tick), so the two never share a line."""
    out = sys.stderr if stream is None else stream
    if out.isatty():
        _erase(out)
    out.write(message + "\n")
    out.flush()


#: How wide the progress line on each stream (by ``id``) is: what erasing it must cover.
_SHOWN: dict[int, int] = {}


def _erase(out: TextIO) -> None:
    width = _SHOWN.pop(id(out), 0)
    if width:
        out.write("\r" + " " * width + "\r")
        out.flush()
