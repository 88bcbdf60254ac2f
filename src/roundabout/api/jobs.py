"""Analytics off the request path: results keyed by their question, computed in the background.

``/leaks`` with new parameters once took 27 s, and ``/charts/event_study`` 29 s on every call,
holding the store while ``/alerts`` of another key waited. Here a request only looks up its
answer:

* **known**: answered at once, from memory (the encoded JSON bytes);
* **new**: a :class:`Job` is started in a background thread, and the request is answered
  ``202 Accepted`` with the job (``{"job": {"id", "status", ...}}``, ``Location: /jobs/<id>``
  and ``Retry-After``); asking again (the same URL, or ``GET /jobs/<id>``) gives the answer
  once the job is done, or the error it ended with;
* a job computes on its own connection to the store (:meth:`~roundabout.store.Store.reader`),
  never under the backend's lock, so no request waits for it.

Results are keyed by ``(store version, kind, parameters)``: the version
(:func:`roundabout.store.version.data_version`) names the state of the data, so an answer is
computed once per version and question. The store does not change under a running server
(it holds the write lock and writes no flows), so within one server the version is fixed; it
is in the key so that a result can never be served for other data. At most ``capacity``
results are kept (least recently used dropped); a failed job's error is kept like a result
(the same question fails the same way on the same data).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from roundabout.errors import RoundaboutError


@dataclass
class Job:
    """One background computation and, once done, its answer or its error."""

    id: str
    kind: str
    params: dict[str, Any]
    status: str = "running"  # running | done | failed
    started: float = field(default_factory=time.time)
    finished: float | None = None
    body: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: RoundaboutError | None = None

    def to_dict(self) -> dict[str, Any]:
        end = self.finished if self.finished is not None else time.time()
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "seconds": round(end - self.started, 3),
        }
        if self.error is not None:
            out["error"] = {"status": self.error.status, "message": self.error.message}
        return out


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a job produced: the encoded answer and anything derived kept beside it."""

    body: bytes
    extra: dict[str, Any] = field(default_factory=dict)


class Results:
    """Answers by key, computed by background jobs (one at a time: analytics are heavy)."""

    def __init__(self, capacity: int, workers: int = 1) -> None:
        self.capacity = capacity
        self._by_key: OrderedDict[Hashable, Job] = OrderedDict()
        self._by_id: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rb-job")

    def close(self) -> None:
        """Drop the jobs not started and wait for the running one: it reads the store through
        its own connection, and closing the store under a running query crashes DuckDB (a
        segmentation fault seen in the test suite when a server stopped mid-job)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def lookup(self, key: Hashable) -> Job | None:
        with self._lock:
            job = self._by_key.get(key)
            if job is not None:
                self._by_key.move_to_end(key)
            return job

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._by_id.get(job_id)

    def get_or_start(
        self, key: Hashable, kind: str, params: dict[str, Any], compute: Callable[[], Outcome]
    ) -> Job:
        """The job for ``key``: the known one (running, done or failed), else a new one."""
        with self._lock:
            job = self._by_key.get(key)
            if job is not None:
                self._by_key.move_to_end(key)
                return job
            job = Job(secrets.token_hex(8), kind, params)
            self._by_key[key] = job
            self._by_id[job.id] = job
            while len(self._by_key) > self.capacity:
                _, old = self._by_key.popitem(last=False)
                self._by_id.pop(old.id, None)
        self._pool.submit(self._run, job, compute)
        return job

    def _run(self, job: Job, compute: Callable[[], Outcome]) -> None:
        try:
            out = compute()
        except RoundaboutError as exc:
            job.error, job.status = exc, "failed"
        except Exception:  # a bug: say so without internals, as the app's 500 does
            job.error = RoundaboutError("internal error (the server log has the details)")
            job.error.status = 500
            job.status = "failed"
        else:
            job.body, job.extra, job.status = out.body, out.extra, "done"
        job.finished = time.time()
