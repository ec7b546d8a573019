"""Serve the emulator over real HTTP: in a background thread (tests, bench) or until Ctrl-C (the command)."""

from __future__ import annotations

import logging
import socketserver
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import EmulatorApp
from .world import World

log = logging.getLogger(__name__)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of BaseHTTPRequestHandler
        log.debug("%s %s", self.address_string(), format % args)


class EmulatorServer:
    """The world served at http://host:port; `url` is the base every link it gives out starts with."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0):
        self.world = world
        self.httpd = make_server(
            host, port, EmulatorApp(world), server_class=ThreadingWSGIServer, handler_class=QuietHandler
        )
        self.url = f"http://{host}:{self.httpd.server_port}"
        world.base_url = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="instagram-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
