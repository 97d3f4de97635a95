"""Heavy requests get their own few slots, so they can never take every server thread.

Tracing (Spårning), Åtaganden, the cases and a reindex, with their JSON twins, may take seconds to
minutes on a large index; search, documents and static files take milliseconds. With waitress's
eight threads, eight heavy requests at once left nothing for anyone else. Now at most
``HEAVY_REQUESTS`` (default 2) heavy requests run at once; one more is answered at once with 503
and ``Retry-After`` instead of waiting for a thread, so the other threads always serve the rest.
"""

from __future__ import annotations

import threading

from flask import Flask, g, request
from werkzeug.exceptions import ServiceUnavailable

HEAVY_ENDPOINTS = frozenset({
    "pages.commitments", "pages.commitments_csv", "pages.cases", "pages.case",
    "api.commitments", "api.cases", "api.case", "api.trace", "api.reindex",
})
RETRY_AFTER = 5  # seconds
BUSY_MESSAGE = ("Servern arbetar redan med så många tunga förfrågningar (spårning, åtaganden) som den "
                "tar emot samtidigt. Försök igen om en stund.")


class HeavySlots:
    def __init__(self, slots: int):
        self.slots = max(1, slots)
        self._free = threading.BoundedSemaphore(self.slots)

    def take(self) -> bool:
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        self._free.release()


def init_app(app: Flask) -> None:
    slots = HeavySlots(int(app.config.get("HEAVY_REQUESTS") or 2))
    app.extensions["kb_heavy_slots"] = slots

    @app.before_request
    def take_a_slot():
        if request.endpoint in HEAVY_ENDPOINTS:
            if not slots.take():
                raise ServiceUnavailable(BUSY_MESSAGE, retry_after=RETRY_AFTER)
            g.kb_heavy_slot = True

    @app.teardown_request
    def give_it_back(exc=None):
        if g.pop("kb_heavy_slot", False):
            slots.give_back()
