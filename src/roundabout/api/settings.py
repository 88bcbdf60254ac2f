"""Everything the HTTP app is configured with, in one frozen value passed to ``create_app``.

Nothing is read from globals or the environment inside the app: ``roundabout serve`` builds
an :class:`ApiSettings` from its options (and takes its option defaults from :data:`DEFAULTS`),
and tests build their own. That keeps several apps (with different stores and limits) side by
side in one process. The defaults of request parameters (``threshold``, ``limit``) are read
from :data:`DEFAULTS` too: every default the API has is written here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from roundabout.matching.model import DEFAULT_THRESHOLD

#: The lowest ``threshold`` ``/match`` and ``/screen`` take.
MIN_THRESHOLD: Final = 0.3


@dataclass(frozen=True)
class ApiSettings:
    """Configuration of one app.

    ``rate_per_second`` and ``burst`` set each key's token bucket: a key may send ``burst``
    requests at once, then ``rate_per_second`` on average. ``max_body_bytes`` caps every request
    body (a batch file for ``/screen`` included). ``cors_origins`` lists the browser origins
    allowed to call the API from other sites: empty (the default) means none, the dashboard is
    served from the same origin and needs no CORS. ``lists`` names the list snapshots used by
    ``/match`` and ``/screen`` (ids or sources; empty: the newest snapshot of each source).
    ``leaks_cache`` is how many distinct ``/leaks`` answers are kept in memory: the store does
    not change under a running server (it holds the write lock), so an answer stays valid.
    ``warm`` builds the list index when the app starts rather than on the first ``/match``
    (``roundabout serve`` does; tests do not need to). ``key_requests`` lets ``roundabout
    keys`` create, list and revoke keys while the app holds the store
    (:mod:`roundabout.api.key_requests`; ``roundabout serve`` turns it on).

    **Bounded cost** (what one request may cost the server): :data:`MIN_THRESHOLD` is the
    lowest ``threshold`` ``/match`` and ``/screen`` accept (below it nearly every list name is a
    candidate of a long name); ``max_candidates`` caps the index candidates scored per name
    (highest bound first); scoring runs in ``scoring_workers`` worker threads, never in the
    event loop, and a ``/match`` that has not finished ``match_deadline`` seconds after it
    arrived (a ``/screen``: ``screen_deadline``) is stopped with 503 and ``Retry-After``.
    Each key may use ``work_per_second`` seconds of scoring per second on average, and
    ``work_burst`` seconds at once: scoring is charged by the seconds it took, not per request.

    ``host`` and ``port`` are where ``roundabout serve`` listens. ``match_threshold`` and
    ``match_limit`` are the defaults of ``/match`` and ``/screen``; ``alerts_limit`` and
    ``decisions_limit`` how many rows the queues and decision lists answer by default.
    """

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    rate_per_second: float = 20.0
    burst: int = 40
    max_body_bytes: int = 2 * 1024 * 1024
    cors_origins: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    leaks_cache: int = 32
    max_match_queries: int = 20
    max_screen_parties: int = 10_000
    docs: bool = True
    title: str = "roundabout"
    warm: bool = False
    key_requests: bool = False
    max_candidates: int = 200
    scoring_workers: int = 2
    match_deadline: float = 5.0
    screen_deadline: float = 60.0
    work_per_second: float = 1.0
    work_burst: float = 10.0
    match_threshold: float = DEFAULT_THRESHOLD
    match_limit: int = 5
    alerts_limit: int = 200
    decisions_limit: int = 100


#: Every default, in one value (the CLI's option defaults and the routes' parameter defaults).
DEFAULTS: Final = ApiSettings(db=Path("."))
