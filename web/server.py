"""Serving the app with waitress, the production WSGI server.

Waitress answers some requests itself, before the app sees them: a body over the size limit (413),
a request line or header it cannot parse (400), headers too large (431). Those answers get the
same security headers as the app's own (:data:`web.security.HEADERS`) and ``no-store``, through a
waitress error task of our own. The size limit stays in waitress, so a body declared far over it
is refused from its Content-Length alone, before it is sent.
"""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from web.security import HEADERS


class SecureErrorTask(ErrorTask):
    """Waitress's own error answer, with our security headers."""

    def execute(self):
        self.response_headers.extend(HEADERS.items())
        self.response_headers.append(("Cache-Control", "no-store"))
        super().execute()


class SecureChannel(HTTPChannel):
    error_task_class = SecureErrorTask


def make_server(app, *, host: str, port: int, threads: int):
    """A waitress server for ``app`` (not yet running); ``.effective_port`` for a port 0."""
    server = create_server(app, host=host, port=port, threads=threads, ident="kb",
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    socket_map = getattr(server, "map", None) or getattr(server, "_map", None) or {}
    for dispatcher in list(socket_map.values()) + [server]:  # one listener per address
        if hasattr(dispatcher, "channel_class"):
            dispatcher.channel_class = SecureChannel
    return server
