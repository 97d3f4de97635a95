"""Make the README screenshots from the bundled examples (kb/examples/; not run in CI).

    python docs/screenshots/make.py [--out docs/screenshots] [--as-of 2025-09-01]

Ingests the examples into a temporary index, serves it with waitress on a free loopback port
and walks the pages in headless Chromium (Playwright, Debian's /usr/bin/chromium, a fresh
profile) as a handläggare would: a search listed by document with its tiers, the same search on
a phone, filters typed in the query as chips, a hit opened as a document, the Åtaganden list and
the Spårning page of the case with most documents. Verdicts are judged as of a fixed date so the
pictures do not change with the calendar.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "kb" / "examples"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTH = 1280
PHONE = 390
MAX_HEIGHT = 1800  # a README picture shows the top of a long page, not all of it
QUERY = "lekplatser barn"  # one document holds both words, two hold one: the tiers show
FILTERED = "barn år:2021..2024 typ:yttrande"


@contextmanager
def serve(index_dir: Path) -> Iterator[str]:
    from waitress.server import create_server

    from web import create_app

    app = create_app({"INDEX": str(index_dir), "RATE_LIMIT": 0})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=10)


def shoot(page, path: Path) -> None:
    width = page.viewport_size["width"]
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--as-of", default="2025-09-01", help="judge verdicts as of this date")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from kb.service import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="kb-shots-") as tmp:
        index_dir = Path(tmp) / "index"
        KnowledgeBase(index_dir).ingest(sorted(EXAMPLES.glob("*.txt")))
        with serve(index_dir) as base, sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path=CHROMIUM,
                                                           args=ARGS, locale="sv-SE")
            page = browser.new_page()
            page.set_viewport_size({"width": WIDTH, "height": 900})

            page.goto(base + "/")
            page.get_by_label("Sök i yttranden, remissvar och uppföljningar").fill(QUERY)
            page.keyboard.press("Enter")
            page.wait_for_url("**/sok?**")
            shoot(page, args.out / "search.png")
            phone = browser.new_page()
            phone.set_viewport_size({"width": PHONE, "height": 844})
            phone.goto(page.url)
            shoot(phone, args.out / "search-phone.png")
            phone.close()

            page.goto(base + "/")
            page.get_by_label("Sök i yttranden, remissvar och uppföljningar").fill(FILTERED)
            page.keyboard.press("Enter")
            page.wait_for_url("**/sok?**")
            shoot(page, args.out / "filters.png")

            page.goto(base + "/")
            page.get_by_label("Sök i yttranden, remissvar och uppföljningar").fill(QUERY)
            page.keyboard.press("Enter")
            page.wait_for_url("**/sok?**")
            page.locator("li.hit h3 a").first.click()
            page.wait_for_url("**/dokument/**")
            page.evaluate("window.scrollTo(0, 0)")  # the page scrolls to the first highlight
            shoot(page, args.out / "document.png")

            page.goto(f"{base}/ataganden?as_of={args.as_of}")
            shoot(page, args.out / "commitments.png")

            cases = page.request.get(base + "/api/v1/cases").json()["cases"]
            widest = max(cases, key=lambda c: len(c["documents"]))
            page.goto(f"{base}/sparning/{widest['id']}?as_of={args.as_of}")
            shoot(page, args.out / "tracing.png")
            browser.close()


if __name__ == "__main__":
    main()
