"""Scoring off the event loop, with a deadline and a charge by the seconds it took.

``/match`` and ``/screen`` are CPU work whose cost grows with the names sent and their
length (a 500-character name of common words has hundreds of index candidates). Run in the
event loop, one such request stalled every other request, ``/health`` included. Here:

* the work runs in a worker thread, at most ``scoring_workers`` at a time
  (:class:`anyio.CapacityLimiter`); the event loop only waits for it, so ``/health`` and the
  cached answers go on being served (a Python thread gives the GIL up every 5 ms);
* a :class:`Deadline` is fixed when the request arrives; the job checks it between names
  (:meth:`Deadline.check`) and stops with :class:`Overloaded` (503 and ``Retry-After``) once
  it has passed; a request still queued for a worker when it passes is not started at all;
* the seconds the job held its worker are charged to the key's work bucket, finished or not
  (:meth:`~roundabout.api.ratelimit.RateLimiter.charge`): wall time, not CPU time, because a
  held worker is what the other keys wait for.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from roundabout.api.ratelimit import RateLimiter
from roundabout.errors import RoundaboutError

T = TypeVar("T")


class Overloaded(RoundaboutError):
    """The work did not finish in time (503); ``retry_after`` seconds is a fair wait."""

    status = 503

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))}


@dataclass(slots=True)
class Deadline:
    """A point in time (``time.monotonic``) by which a request's work must be done."""

    seconds: float
    at: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.at = time.monotonic() + self.seconds

    @property
    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        """Raise :class:`Overloaded` if the deadline has passed."""
        if time.monotonic() > self.at:
            raise Overloaded(
                f"the request did not finish within {self.seconds:g} s (send fewer or "
                "shorter names, or a higher threshold)",
                retry_after=self.seconds,
            )


async def run_scoring(
    job: Callable[[Deadline], T],
    *,
    deadline: Deadline,
    workers: anyio.CapacityLimiter,
    work: RateLimiter,
    key_id: str,
) -> T:
    """Run ``job(deadline)`` in a worker thread; charge the seconds it took to ``key_id``."""

    def charged() -> T:
        start = time.perf_counter()
        try:
            deadline.check()  # the wait for a worker may have used the time up
            return job(deadline)
        finally:
            work.charge(key_id, time.perf_counter() - start)

    try:
        with anyio.fail_after(max(deadline.left, 0.0)):
            return await anyio.to_thread.run_sync(charged, limiter=workers)
    except TimeoutError:
        # cancelled while queued for a worker (a started job stops itself at its next check)
        raise Overloaded(
            f"the server is busy: no scoring worker was free within {deadline.seconds:g} s",
            retry_after=deadline.seconds,
        ) from None
