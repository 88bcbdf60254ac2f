"""The dashboard: a static page (``static/``) served at ``/`` by the API app.

It holds no data of its own: the page asks for an API key (kept in the tab's session
storage), then calls ``/leaks``, ``/charts/*`` and ``/alerts`` with it, and ``/decisions``
when a reviewer presses a button. Charts are the report's Vega-Lite specs, drawn by the Vega
bundle the app serves at ``/vendor/vega.js`` (built offline by vl-convert, no CDN).
"""
