"""``roundabout fetch``: trade data from their publishers' servers into the store.

Each source plans its requests, fetches them through :mod:`roundabout.fetch.http` (retries
with backoff honouring ``Retry-After``, resumable downloads), keeps every answer in an
on-disk cache named by its query (:mod:`roundabout.fetch.cache`), and loads the files
through the same atomic, once-only ingest as ``roundabout ingest``
(:func:`roundabout.sources.load.load_file`). A second identical fetch makes no request and
loads nothing.
"""
