"""The few requests that may carry a large body: prompt uploads (docs/prompts.md).

Every other request keeps the page's limit (app.MAX_BODY, 3 MiB), refused with 413
before its body is read, and kept in memory (web_ui/server.py). A POST to one of
UPLOAD_PATHS may carry up to MAX_UPLOAD_BODY: a 10 MiB recording with its form, and
a little over, so a file just past the prompt store's own limit is refused with its
reason ("file: 12.3 MiB: a prompt file may have at most 10 MiB") instead of a bare
413. waitress spills such a body past its in-memory buffer to a temporary file,
removed when the request ends; the web process is the only one that reads it.

`UploadChannel` is the waitress channel whose request parser lifts the limit for
those paths alone (waitress has one limit per server otherwise).
"""

from __future__ import annotations

import copy
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser

UPLOAD_PATHS = frozenset({"/prompts/upload", "/api/prompts"})
MAX_UPLOAD_BODY = 16 * 1024 * 1024


def body_limit(method: str, path: str, default: int) -> int:
    """The largest body a request may send (`default`, or MAX_UPLOAD_BODY for an upload)."""
    return MAX_UPLOAD_BODY if method == "POST" and path in UPLOAD_PATHS else default


class UploadParser(HTTPRequestParser):
    """waitress's parser, with the larger body limit for an upload's POST."""

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        limit = body_limit(self.command, self.path, 0)
        if limit:
            adj: Any = copy.copy(self.adj)
            adj.max_request_body_size = limit + 1  # waitress refuses this size or more
            self.adj = adj


class UploadChannel(HTTPChannel):
    parser_class = UploadParser
