"""Control codes in names cannot rewrite the terminal: unit rules, and a real CLI run on a
pseudo-terminal whose output is replayed on a small terminal model."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from roundabout.text_safety import UNSAFE, is_safe, json_text, visible

DATA = Path(__file__).parent / "data" / "lists"
WIPE = "\x1b[1A\x1b[2K" * 3  # cursor up, erase line: three times


def test_codes_become_escapes() -> None:
    assert visible("Harmless Bakery\x1b[1A\x1b[2K") == "Harmless Bakery\\x1b[1A\\x1b[2K"
    assert visible("abc\u202edef") == "abc\\u202edef"
    assert visible("\x9b31m") == "\\x9b31m"  # C1 CSI
    assert visible("a\nb\tc") == "a\\x0ab\\x09c"
    assert visible("a\nb\tc", page=True) == "a\nb\tc"
    assert visible("\x1b]8;;http://x\x07link") == "\\x1b]8;;http://x\\x07link"
    assert visible("Zoë Ünal, ООО Ромашка, 北京") == "Zoë Ünal, ООО Ромашка, 北京"


@given(st.text())
def test_nothing_unsafe_survives_and_safe_text_is_untouched(s: str) -> None:
    out = visible(s)
    assert is_safe(out)
    if is_safe(s):
        assert out == s
    # every unsafe character became exactly one escape, the rest is kept in order
    assert UNSAFE.sub("", s) == re.sub(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}", "", out) or "\\" in s


def screen(stream: str, width: int = 200) -> list[str]:
    """The lines a terminal shows after ``stream``: printable text, CR, LF, and the CSI
    sequences that move up (``A``) and erase (``K``); other sequences are dropped."""
    lines: list[list[str]] = [[]]
    row = col = 0
    i = 0
    while i < len(stream):
        c = stream[i]
        m = re.match(r"\x1b\[(\d*)([A-Za-z])", stream[i:])
        if m:
            n = int(m.group(1) or 1)
            if m.group(2) == "A":
                row = max(0, row - n)
            elif m.group(2) == "K":
                lines[row] = []
                col = 0
            i += m.end()
            continue
        if c == "\n":
            row += 1
            col = 0
            while len(lines) <= row:
                lines.append([])
        elif c == "\r":
            col = 0
        elif c >= " ":
            line = lines[row]
            line.extend(" " * (col - len(line) + 1) if col >= len(line) else "")
            line[col] = c
            col += 1
        i += 1
    return ["".join(x).rstrip() for x in lines]


def test_the_model_terminal_is_fooled_by_raw_output() -> None:
    """The check below can fail: printed raw, the name wipes the MATCH line above it."""
    raw = "p1  Banco Nacional de Cuba  [MATCH]\n  * 1.00 ...\np2  Harmless Bakery" + WIPE + "\n"
    assert not any("MATCH" in line for line in screen(raw))


def _run_on_pty(args: list[str]) -> str:
    main, sub = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "roundabout.cli.main", *args],
        stdin=sub,
        stdout=sub,
        stderr=sub,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm"},
        close_fds=True,
    )
    os.close(sub)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    assert proc.returncode == 0, b"".join(chunks).decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_a_name_cannot_wipe_a_match_line_on_a_tty(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    parties = tmp_path / "p.csv"
    bakery = "Harmless Bakery" + WIPE + "\u202e\x1b]8;;http://evil.example\x07"
    parties.write_text(f"id,name\np1,Banco Nacional de Cuba\np2,{bakery}\n", "utf-8")
    lists = [
        "--list",
        str(DATA / "ofac_sdn_sample.csv"),
    ]
    out = _run_on_pty(["screen", "parties", str(parties), *lists, "--db", str(db)])
    assert "\x1b" not in out and "\u202e" not in out
    shown = screen(out)
    assert any(line.startswith("p1") and "[MATCH]" in line for line in shown), shown
    assert any("Harmless Bakery\\x1b[1A\\x1b[2K" in line for line in shown), shown
    # JSON keeps the exact text (escaped by JSON itself)
    js = _run_on_pty(["screen", "parties", str(parties), *lists, "--db", str(db), "--json"])
    assert "\x1b" not in js and "\u202e" not in js and "\x9b" not in js
    names = [r["name"] for r in json.loads(js[js.index("{") :])["results"]]
    assert bakery in names


@given(st.text())
def test_json_text_decodes_to_the_same_values_and_shows_nothing_unsafe(s: str) -> None:
    doc = json_text(json.dumps({"name": s}, ensure_ascii=False))
    assert json.loads(doc) == {"name": s}
    assert is_safe(doc)
