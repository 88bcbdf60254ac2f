"""A loopback HTTP server (a thread with http.server) replaying scripted answers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


#: An answer: (status, headers, body), or a callable writing the answer itself.
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Server:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    #: answers given before ``route`` is asked (one per request, in order)
    queue: list[Answer | Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=list)
    route: Callable[[Request], Answer] = lambda _r: (404, {}, b"not found")


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            req = Request(
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                {k: v for k, v in self.headers.items()},
            )
            state.requests.append(req)
            answer = state.queue.pop(0) if state.queue else state.route(req)
            if callable(answer):
                answer(self)
                return
            status, headers, body = answer
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
