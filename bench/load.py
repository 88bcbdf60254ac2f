"""Load benchmark of ``roundabout serve``: /match and /leaks at 20 concurrent clients.

Loopback only, bounded in count and time. Builds a throwaway store (a synthetic panel with
planted re-routing and the bundled OFAC and UN lists), creates a key, starts the server in a
child process (one uvicorn worker, rate limit lifted), then for each endpoint runs
``--clients`` keep-alive connections, each sending requests back to back until ``--requests``
in total or ``--seconds`` have passed. Prints p50/p99 latency and throughput as Markdown.
Targets: /match p99 under 50 ms and 300 requests/s on 2 cores.

    .venv/bin/python bench/load.py [--clients 20] [--requests 6000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
NAMES = [
    "Sberbank of Russia",
    "Rosoboronexport",
    "Vladimir Putin",
    "Acme Trading LLC",
    "Gazprom Neft",
    "Kalashnikov Concern",
    "Banco Nacional de Cuba",
    "Quiet Bakery Ltd",
    "Rostec",
    "Mohammed Ali",
    "Almaz-Antey",
    "Transneft",
    "Nordic Shipping AS",
    "Tactical Missiles Corporation",
    "Ivan Petrov",
    "Alfa-Bank",
]


def build_store(tmp: Path) -> tuple[Path, str]:
    from roundabout.api.keys import create_key
    from roundabout.screening.lists_in_use import resolve_lists
    from roundabout.store import Store
    from roundabout.synth.panel import PanelSpec, write_panel

    spec = PanelSpec(rows=60_000, seed=1, hubs=("ARM", "KAZ", "KGZ"))
    panel = write_panel(tmp / "panel.parquet", spec, fmt="parquet")
    db = tmp / "load.duckdb"
    with Store(db) as store:
        store.raw.execute("INSERT INTO flows SELECT * FROM read_parquet(?)", [str(panel.path)])
        resolve_lists(store, [])  # the bundled OFAC SDN and UN lists
        _, token = create_key(store, "load")
    return db, token


SERVER = """
import sys, uvicorn
from pathlib import Path
from roundabout.api import ApiSettings, create_app
app = create_app(ApiSettings(db=Path(sys.argv[1]), rate_per_second=1e9, burst=10**9))
app.state.backend.screener()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_up(port: int, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def request_bytes(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def one_client(
    port: int,
    make: list[bytes],
    budget: list[int],
    deadline: float,
    lat: list[float],
    status: dict[int, int],
    offset: int,
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    i = offset
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            payload = make[i % len(make)]
            i += 1
            t = time.perf_counter()
            writer.write(payload)
            await writer.drain()
            line = await reader.readline()
            code = int(line.split()[1])
            length = 0
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b""):
                    break
                if h.lower().startswith(b"content-length:"):
                    length = int(h.split(b":")[1])
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t)
            status[code] = status.get(code, 0) + 1
    finally:
        writer.close()


async def run(
    port: int, make: list[bytes], clients: int, total: int, seconds: float
) -> dict[str, float]:
    lat: list[float] = []
    status: dict[int, int] = {}
    budget = [total]
    start = time.perf_counter()
    await asyncio.gather(
        *(one_client(port, make, budget, start + seconds, lat, status, k) for k in range(clients))
    )
    wall = time.perf_counter() - start
    lat.sort()
    pick = lambda q: 1000 * lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    ok = status.get(200, 0)
    return {
        "requests": len(lat),
        "ok": ok,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "rps": len(lat) / wall,
        "seconds": wall,
        "errors": len(lat) - ok,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=6000, help="per endpoint, at most")
    ap.add_argument("--seconds", type=float, default=20.0, help="per endpoint, at most")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="roundabout-load-") as tmp:
        t = time.perf_counter()
        db, token = build_store(Path(tmp))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)])
        try:
            wait_up(port)
            print(
                f"store and server ready in {time.perf_counter() - t:.1f} s, {os.cpu_count()} cores"
            )
            match = [
                request_bytes(
                    "POST",
                    "/match",
                    token,
                    json.dumps(
                        {"queries": {"q": {"schema": "Thing", "properties": {"name": [n]}}}}
                    ).encode(),
                )
                for n in NAMES
            ]
            leaks = [request_bytes("GET", "/leaks?hubs=ARM,KAZ,KGZ&did=false", token)]
            asyncio.run(run(port, match[:1] + leaks, 1, 2, 60))  # warm the /leaks cache
            rows = []
            for name, reqs in (("/match", match), ("/leaks", leaks)):
                r = asyncio.run(run(port, reqs, args.clients, args.requests, args.seconds))
                rows.append((name, r))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print("\n| endpoint | clients | requests | errors | p50 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {args.clients} | {r['requests']:.0f} | {r['errors']:.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['rps']:.0f} |"
        )


if __name__ == "__main__":
    main()
