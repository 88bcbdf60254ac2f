"""Per-key rate limits: one token bucket per API key, in memory.

A bucket holds up to ``burst`` tokens and refills at ``rate`` tokens per second; each request
takes one. An empty bucket answers 429 with ``Retry-After``: the seconds until a token is
back. The clock is injectable so tests need not sleep.
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
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds to wait."""
        now = self.clock()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = _Bucket(float(self.burst), now)
            b.tokens = min(float(self.burst), b.tokens + (now - b.stamp) * self.rate)
            b.stamp = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """A ``Retry-After`` header value (whole seconds, at least 1)."""
        return str(max(1, math.ceil(wait)))
