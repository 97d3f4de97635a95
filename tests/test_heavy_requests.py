"""Heavy requests (tracing, Åtaganden, cases, reindex) can never starve search and static files.

The real server (`kb serve`, 8 waitress threads) over one case of 16 documents with 15 promises
each. Eight tracing requests with eight different as_of dates (no cache helps) arrive at once, as
in issue 15 where they made the server stop answering; search, a document page and a static file
must still answer promptly. Tracing is now read from records kept at ingest (kb.tracestore), so a
trace of this case takes a tenth of a second and may end before the light requests start; the
limit itself is what this checks: at most KB_HEAVY_REQUESTS (2) heavy requests run, the others are
told at once to come back (503 with Retry-After) instead of holding a thread.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from reliability_corpus import ACTIONS, TOPICS

KB = [sys.executable, "-m", "kb.cli"]
HEAVY_AT_ONCE = 8
PROMPT = 10.0  # seconds a light request may take while heavy ones run (starved: until they end)


def write_case(folder: Path, documents: int = 16) -> None:
    """One audit case: a statement and its yearly follow-ups, five recommendations, many promises."""
    rng = random.Random(3)
    folder.mkdir(parents=True)
    for i in range(documents):
        year = 2015 + i // 4
        kind = "Yttrande" if i == 0 else "Uppföljande yttrande"
        lines = [f"{kind} över granskning av hemtjänstens kvalitet", "", f"Datum {year}-0{1 + i % 9}-1{i % 10}",
                 "Diarienummer SN-2015-100", "", "Sammanfattning", "",
                 f"Socialnämnden lämnar här sin uppföljning nummer {i} av revisionens granskning.", ""]
        for rec in range(1, 6):
            lines += [f"Rekommendation {rec}: Säkerställ att nämnden {ACTIONS[rec % len(ACTIONS)]} "
                      "hemtjänstens kvalitet.", ""]
            for _ in range(3):
                topic = rng.choice(TOPICS)
                lines += [f"Förvaltningen kommer att {rng.choice(ACTIONS)} {topic} under {year + 1}. Arbetet "
                          f"med {topic} återrapporteras till nämnden i december {year + 1}.", ""]
        (folder / f"handling-{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 300) -> tuple[int, float, dict]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.perf_counter() - start, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - start, dict(exc.headers)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("heavy")
    write_case(root / "docs")
    index_dir = root / "index"
    done = subprocess.run(KB + ["ingest", str(root / "docs"), "--index", str(index_dir)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    port = _free_port()
    log = open(root / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(KB + ["serve", "--index", str(index_dir), "--port", str(port), "--threads", "8"],
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, KB_RATE_LIMIT="0"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/documents", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()
    assert "Traceback" not in (root / "serve.log").read_text(encoding="utf-8")


def test_heavy_requests_at_once_leave_search_and_static_files_answering(server):
    doc_id = __import__("json").loads(urllib.request.urlopen(server + "/api/v1/documents").read())["documents"][0]["id"]
    heavy: list[tuple[int, float, dict]] = []
    lock = threading.Lock()

    def trace(day: int) -> None:
        result = fetch(f"{server}/api/v1/trace?as_of=2031-01-{day:02d}")
        with lock:
            heavy.append(result)

    threads = [threading.Thread(target=trace, args=(day,)) for day in range(1, HEAVY_AT_ONCE + 1)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the heavy requests have reached the server
    light: list[tuple[str, int, float]] = []
    for path in ["/api/v1/search?q=hemtj%C3%A4nstens", "/static/style.css", f"/dokument/{doc_id}",
                 "/?q=rekommendation", "/static/app.js", "/api/v1/facets?q=n%C3%A4mnden"]:
        status, seconds, _ = fetch(server + path, timeout=60)
        light.append((path, status, seconds))
    for t in threads:
        t.join(timeout=600)
    statuses = sorted(status for status, _, _ in heavy)
    print(f"\nheavy: {statuses}, slowest {max(s for _, s, _ in heavy):.1f} s; light while they ran: "
          + ", ".join(f"{p} {s} {sec * 1000:.0f} ms" for p, s, sec in light))
    for path, status, seconds in light:
        assert status == 200 and seconds < PROMPT, f"{path}: {status} after {seconds:.1f} s"
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 503}
    refused = [h for status, _, h in heavy if status == 503]
    assert all(int(h["Retry-After"]) > 0 for h in refused)
    assert all(seconds < PROMPT for status, seconds, _ in heavy if status == 503)  # refused at once


def test_heavy_requests_beyond_the_slots_are_refused_at_once_and_light_ones_still_answer(tmp_path):
    """The limit itself, without timing: while both slots are held (two heavy requests running),
    a third heavy request gets 503 with Retry-After, search and static files get 200; once a slot
    is given back, the heavy request runs again."""
    from web import create_app

    folder = tmp_path / "case"
    write_case(folder, documents=2)
    index_dir = tmp_path / "index"
    subprocess.run(KB + ["ingest", str(folder), "--index", str(index_dir)], check=True, capture_output=True)
    app = create_app({"INDEX": str(index_dir), "RATE_LIMIT": 0, "HEAVY_REQUESTS": 2})
    client = app.test_client()
    slots = app.extensions["kb_heavy_slots"]
    assert slots.take() and slots.take()      # two heavy requests are running
    refused = client.get("/api/v1/trace")
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/commitments").status_code == 503
    assert client.get("/api/v1/search?q=hemtj%C3%A4nstens").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    slots.give_back()
    assert client.get("/api/v1/trace").status_code == 200
    slots.give_back()
