"""Spec pages and the section anchors on them that lessons may link to.

Every anchor here was checked against the spec's source: a section title
becomes a lower-case, hyphenated id on peps.python.org and asgi.readthedocs.io
(``The start_response() Callable`` -> ``the-start-response-callable``), and an
explicit RST label (``.. _disconnect-receive-event-ws:``) is used as written.
Sources read: python/peps ``peps/pep-3333.rst``; django/asgiref ``specs/www.rst``
(HTTP & WebSocket spec 2.5), ``specs/asgi.rst`` (published as main.html) and
``specs/lifespan.rst``. A lesson linking to an anchor not listed here fails to
load: verify the new anchor in the source, then add it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PEP3333 = "https://peps.python.org/pep-3333/"
ASGI_SPECS = "https://asgi.readthedocs.io/en/latest/specs/"
ASGI_MAIN = ASGI_SPECS + "main.html"
ASGI_WWW = ASGI_SPECS + "www.html"
ASGI_LIFESPAN = ASGI_SPECS + "lifespan.html"
ASGI_EXTENSIONS = "https://asgi.readthedocs.io/en/latest/extensions.html"

ANCHORS: dict[str, frozenset[str]] = {
    PEP3333: frozenset({
        "preface-for-readers-of-pep-333", "abstract",
        "original-rationale-and-goals-from-pep-333", "specification-overview",
        "a-note-on-string-types", "the-application-framework-side",
        "the-server-gateway-side", "middleware-components-that-play-both-sides",
        "specification-details", "environ-variables", "input-and-error-streams",
        "the-start-response-callable", "handling-the-content-length-header",
        "buffering-and-streaming", "middleware-handling-of-block-boundaries",
        "the-write-callable", "unicode-issues", "error-handling",
        "http-1-1-expect-continue", "other-http-features", "thread-support",
        "implementation-application-notes", "server-extension-apis",
        "application-configuration", "url-reconstruction",
        "optional-platform-specific-file-handling", "questions-and-answers",
    }),
    ASGI_MAIN: frozenset({
        "abstract", "rationale", "overview", "specification-details", "connection-scope",
        "events", "applications", "legacy-applications", "protocol-specifications",
        "middleware", "error-handling", "extensions", "strings-and-unicode",
        "version-history",
    }),
    ASGI_WWW: frozenset({
        "spec-versions", "http", "http-connection-scope", "request-receive-event",
        "response-start-send-event", "response-body-send-event",
        "disconnected-client-send-exception", "disconnect-receive-event", "websocket",
        "websocket-connection-scope", "connect-receive-event", "accept-send-event",
        "receive-receive-event", "send-send-event", "disconnect-receive-event-ws",
        "close-send-event", "wsgi-compatibility", "wsgi-encoding-differences",
    }),
    ASGI_LIFESPAN: frozenset({
        "scope", "startup-receive-event", "startup-complete-send-event",
        "startup-failed-send-event", "shutdown-receive-event",
        "shutdown-complete-send-event", "shutdown-failed-send-event", "lifespan-state",
    }),
    # asgiref's extensions.rst, published at the docs root (not under specs/).
    ASGI_EXTENSIONS: frozenset({"websocket-denial-response"}),
}


def problem(url: str) -> str | None:
    """Why `url` is not an allowed spec link, or None (also None for non-spec URLs)."""
    parts = urlsplit(url)
    page = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if parts.netloc not in ("peps.python.org", "asgi.readthedocs.io"):
        return None
    if page not in ANCHORS:
        return f"{page} is not a spec page this site knows (see spec_links.py)"
    if parts.fragment and parts.fragment not in ANCHORS[page]:
        return (f"anchor #{parts.fragment} is not a verified section of {page} "
                "(check the spec source, then add it to spec_links.ANCHORS)")
    return None
