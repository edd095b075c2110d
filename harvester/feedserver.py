"""A small static feed server: serves a folder over HTTP the way a well-behaved member's web server does
(ETag, Last-Modified, 304 on conditional requests). The demo consortium and the benchmarks publish their
feeds with it; production feeds are on the members' own servers."""

from __future__ import annotations

import hashlib
import threading
from email.utils import formatdate
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _FeedHandler(SimpleHTTPRequestHandler):
    def send_head(self):  # noqa: D401 - extends the standard handler with conditional GET
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        stat = path.stat()
        etag = '"' + hashlib.sha256(f"{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        handle = path.open("rb")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        return handle

    def log_message(self, format, *args):  # quiet: the harvester reports what matters
        pass


def serve_folder(folder: Path, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving ``folder`` in a background thread; returns the server and its base URL."""
    handler = partial(_FeedHandler, directory=str(folder))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="feed-server", daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
