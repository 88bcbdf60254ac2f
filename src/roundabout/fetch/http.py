"""A thin HTTP client: retries with backoff, ``Retry-After``, resumable downloads.

Why not UN's ``comtradeapicall``: it returns pandas frames (the raw answer, needed for the
cache and the once-only ingest by SHA-256, is gone), retries nothing (a 429 or a 5xx ends
the call), cannot be pointed at a mirror or a test server, and pulls in ``requests``. A
client of a hundred lines on ``httpx`` does what ``fetch`` needs and nothing else.

* 429 and 5xx answers are retried (:data:`RETRIES` times) after ``Retry-After`` seconds
  when the server sends it (capped at :data:`MAX_WAIT`), else after 1, 2, 4, ... seconds;
* 401 and 403 mean a missing or wrong key: no retry, an error that says what to check;
* a download interrupted midway resumes from the bytes already on disk with a ``Range``
  request (the partial file is kept as ``NAME.part`` until complete).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from roundabout.errors import RoundaboutError

RETRIES = 5
MAX_WAIT = 120.0


class FetchError(RoundaboutError):
    """A server refused or kept failing (names the URL without its key)."""

    status = 502


@dataclass
class Client:
    """Requests with retries; ``sleep`` and ``log`` are injectable (tests, progress)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = lambda _msg: None
    requests: int = 0
    key_hint: str = ""

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            headers=dict(self.headers), timeout=self.timeout, follow_redirects=True
        )

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET with retries; the answer of a 2xx, else :class:`FetchError`."""
        shown = str(httpx.URL(url, params=params))
        for attempt in range(RETRIES + 1):
            self.requests += 1
            try:
                r = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                if attempt == RETRIES:
                    raise FetchError(f"{shown}: {type(exc).__name__}: {exc}") from None
                self._wait(None, attempt, f"{type(exc).__name__}")
                continue
            if r.status_code in (401, 403):
                raise FetchError(
                    f"{shown}: HTTP {r.status_code}: the server refused the request{self.key_hint}"
                )
            if r.status_code == 429 or r.status_code >= 500:
                if attempt == RETRIES:
                    raise FetchError(f"{shown}: HTTP {r.status_code} after {RETRIES} retries")
                self._wait(r.headers.get("Retry-After"), attempt, f"HTTP {r.status_code}")
                continue
            if r.status_code >= 400:
                raise FetchError(f"{shown}: HTTP {r.status_code}: {r.text[:200]!r}")
            return r
        raise AssertionError("unreachable")

    def download(self, url: str, dest: Path) -> Path:
        """Download ``url`` to ``dest``, resuming a partial ``dest.part``; returns ``dest``."""
        part = dest.with_name(dest.name + ".part")
        dest.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(RETRIES + 1):
            have = part.stat().st_size if part.exists() else 0
            headers = {"Range": f"bytes={have}-"} if have else {}
            self.requests += 1
            try:
                with self._http.stream("GET", url, headers=headers) as r:
                    if r.status_code == 416 and have:  # nothing left to send
                        break
                    if r.status_code == 429 or r.status_code >= 500:
                        if attempt == RETRIES:
                            raise FetchError(f"{url}: HTTP {r.status_code} after {RETRIES} retries")
                        self._wait(r.headers.get("Retry-After"), attempt, f"HTTP {r.status_code}")
                        continue
                    if r.status_code >= 400:
                        raise FetchError(f"{url}: HTTP {r.status_code}")
                    mode = "ab" if have and r.status_code == 206 else "wb"
                    with part.open(mode) as fh:
                        for chunk in r.iter_bytes():  # as received: a cut keeps it
                            fh.write(chunk)
                break
            except httpx.TransportError as exc:  # cut midway: resume from what we have
                if attempt == RETRIES:
                    raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
                self._wait(None, attempt, f"{type(exc).__name__}, resuming")
        part.replace(dest)
        return dest

    def _wait(self, retry_after: str | None, attempt: int, why: str) -> None:
        seconds = retry_seconds(retry_after)
        if seconds is None:
            seconds = float(2**attempt)
        seconds = min(seconds, MAX_WAIT)
        self.log(f"{why}: retrying in {seconds:.0f} s")
        self.sleep(seconds)


def retry_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (``None`` when absent/bad)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
