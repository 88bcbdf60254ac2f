"""The DiD estimations run in a worker thread, beside the engine's work on the other measures.

The full analysis spends about as long in pyfixest (three PPML fits and two log-linear ones
on pandas frames) as in the engine. The two never need each other once the DiD panels are
pulled: :func:`roundabout.analytics.did.staged` and
:func:`roundabout.analytics.did_direct.staged` do the engine's part at once and return the
estimation as a function that touches no engine connection (a DuckDB connection must stay in
the thread that uses it). The run hands those functions to :func:`worker` and computes the
placebo, the mirror side, the uncertainty and the findings meanwhile; it collects the
estimates at the end (``future.result()``, which re-raises whatever the estimation raised).

Both sides release the interpreter lock for their heavy parts (DuckDB while a query runs,
numpy and pyfixest's compiled demeaning), so on two cores they overlap rather than take
turns. One worker: the fits run one after another, in the order submitted, and each
already uses both cores while it demeans. The results are the same as in one thread: the
same functions run on the same frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


@contextmanager
def worker() -> Iterator[ThreadPoolExecutor]:
    """One worker thread for the run's estimations (started at the first ``submit``);
    leaving the block waits for whatever it still runs, so nothing outlives the run."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaks-fits")
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
