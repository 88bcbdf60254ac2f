"""The dashboard end to end in real Chromium: load, filter, decide; screenshots saved.

Runs the app under uvicorn on a loopback port in a thread, drives Debian's chromium through
the playwright package (no downloaded browser), and keeps screenshots in the test's tmp dir.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LISTS = Path(__file__).parent.parent / "data" / "lists"


def _store(path: Path) -> str:
    from roundabout.api.keys import create_key
    from roundabout.lists import ofac, snapshots
    from roundabout.store import Store
    from roundabout.synth.panel import PanelSpec, write_panel

    spec = PanelSpec(
        products=40,
        origins=("DEU", "FRA"),
        hubs=("ARM", "KAZ"),
        controls=(),
        start="2021-01",
        end="2022-10",
        n_reroute=3,
        n_lost=2,
        n_local=2,
        n_unsanctioned=2,
        seed=4,
    )
    panel = write_panel(path.with_suffix(".parquet"), spec, fmt="parquet")
    with Store(path) as store:
        store.raw.execute("INSERT INTO flows SELECT * FROM read_parquet(?)", [str(panel.path)])
        snapshots.save(
            store,
            ofac.parse(
                LISTS / "ofac_sdn_sample.csv",
                LISTS / "ofac_alt_sample.csv",
                LISTS / "ofac_add_sample.csv",
                publication_date="2024-05-03",
            ),
        )
        _, token = create_key(store, "browser", ("read", "screen", "decide"))
    return token


@pytest.fixture
def server(tmp_path):
    import uvicorn

    from roundabout.api import ApiSettings, create_app

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    db = tmp_path / "dash.duckdb"
    token = _store(db)
    app = create_app(ApiSettings(db=db))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.post(
        f"{base}/screen",
        headers={**headers, "Content-Type": "text/csv"},
        content="id,name\nc1,Banco Nacional de Cuba\nc2,Aerocaribbean Airlines\n"
        "c3\x1b[2K\u202e,Banco Nacional de Cuba\n".encode(),
    )
    assert r.status_code == 200, r.text
    yield base, token
    srv.should_exit = True
    thread.join(timeout=10)


def test_load_filter_decide(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, token = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=30_000)
        page.fill("#api-key", token)
        page.click("#key-save")
        expect(page.locator("body")).to_have_attribute("data-loaded", "1", timeout=60_000)
        expect(page.locator("#chart-monthly svg").first).to_be_visible()
        expect(page.locator("#chart-sankey svg")).to_be_visible()
        assert page.locator("#findings tbody tr").count() >= 1
        # a party id with erase-line and right-to-left override codes is shown escaped
        ids = page.locator("#alerts tbody tr[data-party] td:nth-child(1)").all_inner_texts()
        assert "c3\\x1b[2K\\u202e" in ids, ids
        expect(page.locator("#audit-state")).to_contain_text("audit chain verifies")
        page.screenshot(path=str(shots / "1-loaded.png"), full_page=True)

        page.select_option("#f-hub", "KAZ")
        page.fill("#f-from", "2022-03")
        page.fill("#f-to", "2022-10")
        page.click("#apply")
        expect(page.locator("body")).to_have_attribute("data-loaded", "2", timeout=60_000)
        hubs = page.locator("#findings tbody tr td:nth-child(2)").all_inner_texts()
        assert hubs and set(hubs) <= {"KAZ", ""}
        page.screenshot(path=str(shots / "2-filtered.png"), full_page=True)

        rows = page.locator("#alerts tbody tr[data-party]")
        before = rows.count()
        assert before >= 1
        party = rows.first.get_attribute("data-party")
        rows.first.locator("button[data-decision=false_positive]").click()
        expect(page.locator("#status")).to_contain_text("decision recorded", timeout=20_000)
        expect(rows).to_have_count(before - 1, timeout=20_000)
        page.screenshot(path=str(shots / "3-decided.png"), full_page=True)
        browser.close()
    assert not errors, errors
    import httpx

    decided = httpx.get(f"{base}/decisions", headers={"Authorization": f"Bearer {token}"}).json()
    assert decided["decisions"][0]["party_id"] == party
    assert all(
        (shots / n).stat().st_size > 10_000
        for n in ("1-loaded.png", "2-filtered.png", "3-decided.png")
    )
