"""Connection scopes built the way uvicorn builds them from the request line and headers.

``base_scope`` holds the keys HTTP and WebSocket scopes share (the WebSocket
server adds ``subprotocols``); ``http_scope`` adds ``method`` and the headers
the client adds itself. Choices, each matching uvicorn 0.54 (h11):

- ``path`` is the request target before ``?``, percent-decoded with UTF-8
  (``urllib.parse.unquote``, bad bytes become U+FFFD); ``raw_path`` is the
  same part as the bytes that were sent; ``query_string`` stays encoded.
- ``root_path`` is a server setting (uvicorn's ``--root-path``): the client's
  path is taken as relative to it, so ``path`` and ``raw_path`` start with it.
- Header names are lower-cased, values kept as sent (latin-1 bytes), order
  and duplicates preserved.
- ``state`` only when lifespan ran (a shallow copy, made by the caller);
  no ``extensions`` key, because this server implements none of them (no
  trailers, push, early hints, path send): like uvicorn, it leaves the key out.
- ``client`` and ``server`` are ``[host, port]`` lists.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from sandbox.scenario import HttpRequest, WebSocketRequest


def split_target(target: str) -> tuple[str, bytes, bytes]:
    """``(path, raw_path, query_string)`` from a request target such as ``/a%20b?x=1``."""
    raw = target.encode("latin-1")
    raw_path, _, query = raw.partition(b"?")
    return unquote(raw_path.decode("latin-1")), raw_path, query


def header_pairs(headers: list[tuple[str, str]]) -> list[list[bytes]]:
    """Scope headers: ``[name, value]`` byte lists, names lower-cased, order kept."""
    return [[k.lower().encode("latin-1"), v.encode("latin-1")] for k, v in headers]


def base_scope(
    kind: str,
    request: HttpRequest | WebSocketRequest,
    headers: list[tuple[str, str]],
    spec_version: str,
    state: dict[str, Any] | None,
) -> dict[str, Any]:
    """The keys every HTTP and WebSocket scope has, in uvicorn's order."""
    from sandbox.asgi import ASGI_VERSION  # here: sandbox.asgi imports this module

    path, raw_path, query = split_target(request.path)
    scope: dict[str, Any] = {
        "type": kind,
        "asgi": {"version": ASGI_VERSION, "spec_version": spec_version},
        "http_version": request.http_version,
        "server": list(request.server),
        "client": list(request.client),
        "scheme": request.scheme,
        "root_path": request.root_path,
        "path": request.root_path + path,
        "raw_path": request.root_path.encode("latin-1") + raw_path,
        "query_string": query,
        "headers": header_pairs(headers),
    }
    if state is not None:
        scope["state"] = state
    return scope


def client_headers(request: HttpRequest) -> tuple[list[tuple[str, str]], list[str]]:
    """The headers the client really sends, and the names it added to the scenario's.

    An HTTP/1.1 client always sends ``Host``; any client sending a body
    states its length (the scenario's chunks are only how it is paced).
    """
    headers = list(request.headers)
    names = {k.lower() for k, _ in headers}
    added: list[str] = []
    if "host" not in names and request.http_version != "1.0":
        host, port = request.server
        default = 443 if request.scheme == "https" else 80
        headers.insert(0, ("host", host if port == default else f"{host}:{port}"))
        added.append("host")
    if request.body and not names & {"content-length", "transfer-encoding"}:
        headers.append(("content-length", str(len(request.body))))
        added.append("content-length")
    return headers, added


def http_scope(
    request: HttpRequest, spec_version: str, state: dict[str, Any] | None
) -> tuple[dict[str, Any], list[str]]:
    """The HTTP scope for ``request`` and the header names the client added."""
    headers, added = client_headers(request)
    scope = base_scope("http", request, headers, spec_version, state)
    scope["method"] = request.method
    return scope, added
