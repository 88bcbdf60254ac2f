"""Per-key rate limits: token buckets per API key, in memory.

A bucket holds up to ``burst`` tokens and refills at ``rate`` tokens per second. The app has
two kinds: requests (each takes one token) and *work* (seconds of scoring: a ``/match`` or
``/screen`` is charged what it cost once it is done, :meth:`RateLimiter.charge`, so the bucket
may go below zero and the key waits until it is paid back). A request that finds its bucket
short answers 429 with ``Retry-After``: the seconds until the tokens are back. The clock is
injectable so tests need not sleep.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets keyed by an id (the API key id)."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str) -> _Bucket:
        now = self.clock()
        b = self._buckets.get(key)
        if b is None:
            b = self._buckets[key] = _Bucket(float(self.burst), now)
        b.tokens = min(float(self.burst), b.tokens + (now - b.stamp) * self.rate)
        b.stamp = now
        return b

    def take(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens for ``key``: 0.0 when allowed, else the seconds to wait.

        ``cost=0`` only checks that the bucket is not in debt (see :meth:`charge`)."""
        with self._lock:
            b = self._bucket(key)
            if b.tokens >= cost:
                b.tokens -= cost
                return 0.0
            return (cost - b.tokens) / self.rate

    def charge(self, key: str, cost: float) -> None:
        """Take ``cost`` tokens after the fact, even into debt (at most ``burst`` deep)."""
        with self._lock:
            b = self._bucket(key)
            b.tokens = max(-float(self.burst), b.tokens - cost)

    @staticmethod
    def retry_after(wait: float) -> str:
        """A ``Retry-After`` header value (whole seconds, at least 1)."""
        return str(max(1, math.ceil(wait)))
