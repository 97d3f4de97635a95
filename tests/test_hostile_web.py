"""Hostile HTTP against the real server (`kb serve`, waitress on loopback), below Flask.

The Flask-level checks (XSS, traversal in ids, 413 on bodies, 429, schemathesis) live in
tests/test_api*.py and tests/test_web*.py. Here raw sockets send what a browser never would:
garbage request lines, huge headers and URLs, bodies declared far larger than the limit,
broken percent-encoding, idle half-open connections. The server answers each with a 4xx (never
a 500 and never a traceback) and keeps serving everyone else. Every answer, also those waitress
gives itself (413, 400, 431), carries the security headers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from web.security import HEADERS

KB = [sys.executable, "-m", "kb.cli"]
HANG = 10.0  # seconds without an answer that count as a hang (an answer takes milliseconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "yttrande.txt").write_text(
        "Yttrande om skolskjutsar\n\nSammanfattning\n\nNämnden har granskat skolskjutsarna.\n\n"
        "Rekommendation 1: Nämnden ska ta fram en rutin för skolskjutsar.\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    done = subprocess.run(KB + ["ingest", str(folder), "--index", str(index_dir)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    port = _free_port()
    log_path = index_dir.parent / "serve.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(KB + ["serve", "--index", str(index_dir), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, KB_RATE_LIMIT="0"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/facets", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    yield port, log_path
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()
    assert "Traceback" not in log_path.read_text(encoding="utf-8")


def exchange(port: int, data: bytes, *, timeout: float = HANG) -> bytes:
    """Send raw bytes, return what the server answers until it closes (or b"" on a hang)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused early and closed: its answer is still to be read
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except TimeoutError:
            return b""
        except ConnectionResetError:
            pass
        return out


def status(answer: bytes) -> int:
    assert answer, "no answer (the server hung on the request)"
    line = answer.split(b"\r\n", 1)[0].split()
    return int(line[1])


def has_security_headers(answer: bytes) -> None:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower().split("\r\n")
    for name, value in HEADERS.items():
        assert f"{name.lower()}: {value.lower()}" in head, f"{name} missing: {head}"


def still_serving(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search?q=skolskjutsar", timeout=HANG) as r:
        assert r.status == 200 and b"skolskjutsar" in r.read()


def get(path: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: kb\r\nConnection: close\r\n\r\n"


HOSTILE = {
    "garbage request line": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n",
    "no path": b"GET\r\n\r\n",
    "unknown HTTP version": b"GET / HTTP/9.9\r\nHost: kb\r\n\r\n",
    "NUL in the path": get(b"/api/v1/search?q=a\x00b"),
    "broken percent-encoding": get(b"/api/v1/search?q=%ff%fe%c3"),
    "lone surrogate encoded": get(b"/api/v1/search?q=%ed%a0%80"),
    "half a percent escape": get(b"/api/v1/search?q=%e"),
    "huge page number": get(b"/api/v1/search?q=n%C3%A4mnden&page=99999999999999999999999"),
    "negative limit": get(b"/api/v1/search?q=a&limit=-5"),
    "repeated parameters": get(b"/api/v1/search?" + b"&".join(b"q=a" for _ in range(2000))),
    "1 MB URL": get(b"/api/v1/search?q=" + b"a" * 1_000_000),
    "1 MB header": b"GET / HTTP/1.1\r\nHost: kb\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
    "10 000 headers": b"GET / HTTP/1.1\r\nHost: kb\r\nConnection: close\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(10_000)) + b"\r\n",
    "static traversal": get(b"/static/../../../../etc/passwd"),
    "encoded static traversal": get(b"/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
    "document traversal": get(b"/api/v1/documents/..%2f..%2f..%2fetc%2fpasswd"),
    "original-file traversal": get(b"/dokument/..%2F..%2Fetc%2Fpasswd/original"),
    "page traversal": get(b"/dokument/..%2f..%2f..%2fetc%2fpasswd"),
    "TRACE": b"TRACE / HTTP/1.1\r\nHost: kb\r\nConnection: close\r\n\r\n",
    "bad Content-Length": b"POST /api/v1/reindex HTTP/1.1\r\nHost: kb\r\nContent-Length: -1\r\n\r\n",
    "both lengths (smuggling)": b"POST /api/v1/reindex HTTP/1.1\r\nHost: kb\r\nContent-Length: 4\r\n"
                                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
    "bad chunk size": b"POST /api/v1/reindex HTTP/1.1\r\nHost: kb\r\nTransfer-Encoding: chunked\r\n"
                      b"Connection: close\r\n\r\nZZ\r\n\r\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_request_gets_a_client_error_not_a_crash(server, name):
    port, _ = server
    answer = exchange(port, HOSTILE[name])
    code = status(answer)
    assert code < 500, f"{name}: {answer[:300]!r}"
    has_security_headers(answer)
    assert b"Traceback" not in answer
    assert b"root:x:0:0" not in answer  # no file outside the store leaks out
    still_serving(port)


def test_idle_half_open_connections_do_not_block_others(server):
    """Slow clients (slowloris) hold sockets, not worker threads: others are still served."""
    port, _ = server
    idle = []
    try:
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", port), timeout=HANG)
            sock.sendall(b"GET /api/v1/search?q=a HTTP/1.1\r\nHost: kb\r\nX-Slow: ")
            idle.append(sock)
        for _ in range(5):
            still_serving(port)
    finally:
        for sock in idle:
            sock.close()


def test_a_body_declared_far_over_the_limit_is_refused_before_it_is_sent(server):
    """The server refuses a 50 MB body from its Content-Length alone, without waiting for it."""
    port, _ = server
    head = b"POST /api/v1/reindex HTTP/1.1\r\nHost: kb\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n"
    answer = exchange(port, head + b"x" * 1000)
    assert status(answer) == 413
    has_security_headers(answer)
    assert b"\r\nCache-Control: no-store\r\n" in answer.split(b"\r\n\r\n", 1)[0] + b"\r\n"
