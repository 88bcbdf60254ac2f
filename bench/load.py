"""Load benchmark of ``roundabout serve``: /match and /leaks at 20 concurrent clients.

Loopback only, bounded in count and time. Builds a throwaway store (a synthetic panel with
planted re-routing and the bundled OFAC and UN lists), creates a key, starts the server in a
child process (one uvicorn worker as ``roundabout serve`` runs it, list index built at start,
rate limit lifted), then for each endpoint opens ``--clients`` keep-alive HTTP/1.1
connections, each sending its next request as soon as the previous answer is in (a closed
loop), until ``--requests`` in total or ``--seconds`` have passed. The first
``--warmup`` seconds of each endpoint are not counted. Every /match request screens a
different name (made-up people and companies, some listed names with a typo): a repeated
name would be answered from the matcher's cache. /leaks asks one question, answered from
the server's cache after the first time (as a dashboard would). Prints p50/p99 latency and
throughput as Markdown; ``--json FILE`` also writes them (with the load average).
Targets: /match p99 under 50 ms and 300 requests/s on 2 cores.

The load generator shares the cores with the server, so it is kept lean: one thread, one
``selectors`` loop over non-blocking sockets, requests prebuilt as bytes, responses framed by
``Content-Length`` only. Its own CPU time is reported next to the server's (``client CPU``,
``server CPU``: percent of one core over the measured phase; ``machine busy``: percent of all
cores, everything running included), so a reader sees what the generator costs and how
loaded the machine was.

With ``--hostile`` a third phase follows: one more client, with a key of its own, sends the
largest ``/match`` body the API takes (20 queries x 20 names and 20 aliases x 500
characters of the words most common on the lists, threshold 0.3) back to back, while the
``--clients`` measure ``/match`` beside it, and one client ``/health`` (as a liveness
probe would; also alone, before, for comparison). The work budget per key is
lifted like the rate limit, so the hostile client keeps one scoring worker busy the whole
time (the worst case; with the default budget it would be held to one worker-second per
second after a 10-second burst). Its own answers (503 at the deadline) are reported apart.

    .venv/bin/python bench/load.py [--clients 20] [--requests 6000] [--seconds 20] [--json F]
        [--hostile]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
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
TICK = os.sysconf("SC_CLK_TCK")
FIRST = [
    "Ivan",
    "Sergei",
    "Olga",
    "Aliya",
    "Nurlan",
    "Arman",
    "Gulnara",
    "Dmitry",
    "Anna",
    "Timur",
    "Aibek",
    "Marat",
    "Elena",
    "Yuri",
    "Svetlana",
    "Bakyt",
    "Ruslan",
    "Mikhail",
    "Natalia",
    "Ashot",
    "Giorgi",
    "Dilnoza",
    "Farrukh",
    "Kemal",
    "Omar",
]
LAST = [
    "Petrov",
    "Ivanov",
    "Smirnov",
    "Kuznetsov",
    "Abenov",
    "Sultanov",
    "Akhmetov",
    "Volkov",
    "Sokolov",
    "Popov",
    "Lebedev",
    "Kozlov",
    "Novikov",
    "Morozov",
    "Karimov",
    "Aliyev",
    "Hovhannisyan",
    "Grigoryan",
    "Beridze",
    "Yilmaz",
    "Rashidov",
    "Orlov",
]
STEM = [
    "Trans",
    "Neft",
    "Gaz",
    "Prom",
    "Tekh",
    "Stal",
    "Agro",
    "Energo",
    "Avia",
    "Mash",
    "Stroy",
    "Invest",
    "Trade",
    "Logist",
    "Global",
    "Eurasia",
    "Altyn",
    "Nur",
    "Ararat",
    "Kavkaz",
    "Sibir",
    "Volga",
    "Baikal",
    "Tengri",
    "Samruk",
]
KIND = [
    "Group",
    "Holding",
    "Trading",
    "Systems",
    "Service",
    "Industries",
    "Partners",
    "Engineering",
    "Export",
    "Import",
    "Shipping",
    "Logistics",
    "Components",
    "Electronics",
    "Machinery",
]
LEGAL = ["LLC", "JSC", "OOO", "TOO", "LLP", "Ltd", "PJSC", "AO", "FZE", "GmbH", "MChJ", "A.S."]


def query_names(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct names to screen, deterministic: made-up people and companies of the
    region, and one in eight a listed name with a typo. No two are the same, so the
    matcher's caches of whole names do not flatter the figures (its token caches do, as
    they would in real traffic: tokens repeat)."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        k = rng.random()
        if k < 0.125:
            name = rng.choice(NAMES)
            i = rng.randrange(1, len(name) - 1)  # one letter dropped or doubled
            name = name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[: i + 1] + name[i:]
        elif k < 0.55:
            name = f"{rng.choice(FIRST)} {rng.choice(FIRST)}ovich {rng.choice(LAST)}"
        else:
            name = (
                f"{rng.choice(STEM)}{rng.choice(STEM).lower()} {rng.choice(KIND)} "
                f"{rng.choice(LEGAL)}"
            )
        out[name] = None
    return list(out)


#: The words most common in the bundled OFAC and UN names (counted on the lists).
COMMON = [
    "COMPANY",
    "LIMITED",
    "OF",
    "AND",
    "JOINT",
    "STOCK",
    "LIABILITY",
    "MUHAMMAD",
    "DE",
    "ALI",
    "LLC",
    "THE",
    "AL",
    "TRADING",
    "ABU",
    "OOO",
    "LTD",
    "OBSHCHESTVO",
    "BANK",
    "JSC",
    "GROUP",
    "INTERNATIONAL",
    "MOHAMMAD",
    "AHMAD",
    "ABDUL",
    "IBRAHIM",
]


def maximal_match_body(seed: int) -> bytes:
    """The largest /match body the models allow, of common list words (every name new)."""
    rng = random.Random(seed)

    def name() -> str:
        return " ".join(rng.choice(COMMON) for _ in range(120))[:500]

    props = {"name": [name() for _ in range(20)], "alias": [name() for _ in range(20)]}
    queries = {f"q{i}": {"schema": "Thing", "properties": props} for i in range(20)}
    return json.dumps({"queries": queries}).encode()


class Hostile(threading.Thread):
    """One client sending maximal /match bodies back to back until stopped."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.stop = threading.Event()
        self.answers: list[tuple[int, float]] = []

    def run(self) -> None:
        seed = 0
        with socket.create_connection((HOST, self.port)) as s:
            while not self.stop.is_set():
                seed += 1
                body = maximal_match_body(seed)
                req = request_bytes("POST", "/match?threshold=0.3", self.token, body)
                t = time.perf_counter()
                s.sendall(req)
                status, _ = read_response(s)
                self.answers.append((status, time.perf_counter() - t))


def read_response(s: socket.socket) -> tuple[int, bytes]:
    """(status, body) of one HTTP/1.1 response framed by Content-Length (blocking socket)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("the server closed a connection")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head[9:12])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(rest) < length:
        rest += s.recv(65536)
    return status, rest[:length]


def until_computed(port: int, req: bytes, timeout: float = 300.0) -> None:
    """Send ``req`` until it is answered 200 (a new /leaks is a background job: 202)."""
    end = time.monotonic() + timeout
    with socket.create_connection((HOST, port)) as s:
        while time.monotonic() < end:
            s.sendall(req)
            status, _ = read_response(s)
            if status == 200:
                return
            if status != 202:
                raise SystemExit(f"warm-up answered {status}")
            time.sleep(0.5)
    raise SystemExit("the /leaks job did not finish")


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
        _, hostile = create_key(store, "hostile")
    (tmp / "hostile.key").write_text(hostile)
    return db, token


SERVER = """
import sys, uvicorn
from pathlib import Path
from roundabout.api import ApiSettings, create_app
app = create_app(
    ApiSettings(
        db=Path(sys.argv[1]), rate_per_second=1e9, burst=10**9, warm=True,
        work_per_second=1e9, work_burst=1e9,
    )
)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_up(port: int, timeout: float = 180.0) -> None:
    """Until ``/health`` answers (the list index is built before the server listens)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def request_bytes(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores, from ``/proc/stat``."""
    vals = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = vals[3] + vals[4]
    return float(sum(vals) - idle), float(sum(vals))


def git(*args: str) -> str:
    """Output of a git command in this repository ('' if git is not there)."""
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@dataclass
class Result:
    endpoint: str
    clients: int
    requests: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    rps: float
    seconds: float
    client_cpu_pct: float
    server_cpu_pct: float
    server_cpu_ms_per_request: float
    client_cpu_share: float
    machine_busy_pct: float


class _Conn:
    __slots__ = ("buf", "i", "need", "sock", "started", "status")

    def __init__(self, sock: socket.socket, i: int) -> None:
        self.sock = sock
        self.buf = b""
        self.need = -1
        self.status = 0
        self.started = 0.0
        self.i = i


def run(
    port: int,
    name: str,
    payloads: list[bytes],
    clients: int,
    total: int,
    seconds: float,
    warmup: float,
    server_pid: int,
) -> Result:
    """A closed loop of ``clients`` keep-alive connections; counts after ``warmup`` s."""
    sel = selectors.DefaultSelector()
    conns = []
    for k in range(clients):
        s = socket.create_connection((HOST, port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        c = _Conn(s, k)
        conns.append(c)
        sel.register(s, selectors.EVENT_READ, c)
    lat: list[float] = []
    errors = 0
    budget = total
    n = len(payloads)
    clock = time.perf_counter
    begin = clock()
    counting_from = begin + warmup
    counting = False
    deadline = counting_from + seconds
    cpu0 = srv0 = 0.0
    busy0 = (0.0, 0.0)
    t_count = begin

    def send(c: _Conn) -> None:
        c.started = clock()
        c.sock.send(payloads[c.i % n])  # a few hundred bytes: the socket buffer takes them
        c.i += clients

    for c in conns:
        send(c)
    open_conns = clients
    while open_conns:
        for skey, _ in sel.select():
            c = skey.data
            data = c.sock.recv(262144)
            if not data:
                raise SystemExit(f"{name}: the server closed a connection")
            buf = c.buf + data
            if c.need < 0:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    c.buf = buf
                    continue
                head = buf[:end].lower()
                c.status = int(head[9:12])
                at = head.find(b"\r\ncontent-length:")
                if at < 0:
                    raise SystemExit(f"{name}: a response without Content-Length")
                stop = head.find(b"\r\n", at + 2)
                c.need = end + 4 + int(head[at + 17 : stop if stop > 0 else len(head)])
            if len(buf) < c.need:
                c.buf = buf
                continue
            now = clock()
            if counting:
                lat.append(now - c.started)
                if c.status != 200:
                    errors += 1
            elif now >= counting_from:
                counting = True
                t_count = now
                cpu0, srv0, busy0 = time.process_time(), cpu_seconds(server_pid), machine_busy()
            c.buf = buf[c.need :]
            c.need = -1
            if counting and (len(lat) >= budget or now >= deadline):
                sel.unregister(c.sock)
                c.sock.close()
                open_conns -= 1
                budget = 0
            else:
                send(c)
    wall = clock() - t_count
    cpu = time.process_time() - cpu0
    srv = cpu_seconds(server_pid) - srv0
    busy1 = machine_busy()
    sel.close()
    lat.sort()

    def pick(q: float) -> float:
        return 1000 * lat[max(0, math.ceil(q * len(lat)) - 1)]

    return Result(
        endpoint=name,
        clients=clients,
        requests=len(lat),
        errors=errors,
        p50_ms=round(pick(0.50), 1),
        p90_ms=round(pick(0.90), 1),
        p99_ms=round(pick(0.99), 1),
        max_ms=round(1000 * lat[-1], 1),
        rps=round(len(lat) / wall, 1),
        seconds=round(wall, 2),
        client_cpu_pct=round(100 * cpu / wall, 1),
        server_cpu_pct=round(100 * srv / wall, 1),
        server_cpu_ms_per_request=round(1000 * srv / max(1, len(lat)), 2),
        client_cpu_share=round(cpu / (cpu + srv), 3) if cpu + srv else 0.0,
        machine_busy_pct=round(100 * (busy1[0] - busy0[0]) / max(1.0, busy1[1] - busy0[1]), 1),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=6000, help="per endpoint, at most")
    ap.add_argument("--seconds", type=float, default=20.0, help="per endpoint, at most")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds not counted")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--hostile", action="store_true", help="then /health and /match beside maximal requests"
    )
    args = ap.parse_args()
    hostile_answers: list[tuple[int, float]] = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="roundabout-load-") as tmp:
        t = time.perf_counter()
        db, token = build_store(Path(tmp))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)])
        try:
            wait_up(port)
            ready = time.perf_counter() - t
            print(f"store and server ready in {ready:.1f} s, {os.cpu_count()} cores")
            match = [
                request_bytes(
                    "POST",
                    "/match",
                    token,
                    json.dumps(
                        {"queries": {"q": {"schema": "Thing", "properties": {"name": [n]}}}}
                    ).encode(),
                )
                for n in query_names(args.requests + 20_000)
            ]
            leaks = [request_bytes("GET", "/leaks?hubs=ARM,KAZ,KGZ&did=false", token)]
            # the first /leaks computes and caches the answer: not part of the measurement
            until_computed(port, leaks[0])
            rows = [
                run(port, name, reqs, args.clients, args.requests, args.seconds, args.warmup, pid)
                for name, reqs, pid in (
                    ("/match", match, server.pid),
                    ("/leaks", leaks, server.pid),
                )
            ]
            if args.hostile:
                health = [f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()]
                fresh = match[args.requests + 10 :]  # names not asked in the /match phase
                # /health as a liveness probe sees it: one client, alone, then beside
                rows.append(run(port, "/health", health, 1, args.requests, 5.0, 0.5, server.pid))
                hostile = Hostile(port, (Path(tmp) / "hostile.key").read_text())
                hostile.start()
                time.sleep(1.0)  # the first maximal request is being scored
                rows.append(
                    run(
                        port,
                        "/health beside maximal /match",
                        health,
                        1,
                        args.requests,
                        args.seconds,
                        args.warmup,
                        server.pid,
                    )
                )
                rows.append(
                    run(
                        port,
                        "/match beside maximal /match",
                        fresh,
                        args.clients,
                        args.requests,
                        args.seconds,
                        args.warmup,
                        server.pid,
                    )
                )
                hostile.stop.set()
                hostile.join(timeout=60)
                hostile_answers = hostile.answers
        finally:
            server.terminate()
            server.wait(timeout=20)
    load_after = load_average()
    print(f"load average before {load_before}, after {load_after}")
    print(
        "\n| endpoint | clients | requests | errors | p50 ms | p90 ms | p99 ms | max ms | req/s "
        "| server CPU ms/req | client CPU | server CPU | machine busy |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.endpoint} | {r.clients} | {r.requests} | {r.errors} | {r.p50_ms} | "
            f"{r.p90_ms} | {r.p99_ms} | {r.max_ms} | {r.rps:.0f} | "
            f"{r.server_cpu_ms_per_request} | {r.client_cpu_pct:.0f}% | "
            f"{r.server_cpu_pct:.0f}% | {r.machine_busy_pct:.0f}% |"
        )
    if hostile_answers:
        codes = sorted({c for c, _ in hostile_answers})
        took = sorted(t for _, t in hostile_answers)
        print(
            f"\nmaximal /match requests: {len(hostile_answers)}, answered "
            + ", ".join(f"{c} x{sum(1 for x, _ in hostile_answers if x == c)}" for c in codes)
            + f", each in {took[0]:.1f}-{took[-1]:.1f} s"
        )
    if args.json:
        out = {
            "bench": "bench/load.py",
            "date": time.strftime("%Y-%m-%d"),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_src": git("status", "--porcelain", "--", "src") != "",
            "load_average_before": load_before,
            "load_average_after": load_after,
            "clients": args.clients,
            "requests_max": args.requests,
            "seconds_max": args.seconds,
            "warmup_seconds": args.warmup,
            "notes": "client/server CPU: percent of one core over the measured phase; "
            "machine busy: percent of all cores (other processes included); "
            "client_cpu_share: client CPU / (client + server CPU)",
            "results": [asdict(r) for r in rows],
            "hostile": [{"status": c, "seconds": round(t, 2)} for c, t in hostile_answers],
        }
        args.json.write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
