"""The client's request as a WSGI server turns it into ``environ`` (PEP 3333).

What goes in, and where each choice comes from:

- The request is the one the ASGI server sees (``asgi_scope.client_headers``:
  the client adds ``Host`` and, with a body, ``Content-Length``, as curl does).
- ``PATH_INFO``: percent-decoded, then decoded as latin-1, so every byte of the
  URL becomes one code point (``unquote_to_bytes(path).decode('latin-1')``,
  as wsgiref, werkzeug and gunicorn do); a UTF-8 ``%C3%A9`` arrives as
  ``'Ã©'`` and the app re-encodes it.
- ``SCRIPT_NAME`` is the scenario's ``root_path``, the app's mount point. As on
  the ASGI side, the path is taken as relative to it (a proxy stripped the
  prefix and told the server, as nginx's ``uwsgi_param SCRIPT_NAME`` does); a
  path that still starts with the prefix has it split off, as gunicorn does.
- ``QUERY_STRING``: raw, still percent-encoded, always present.
- ``CONTENT_TYPE``/``CONTENT_LENGTH``: only when the client sent those headers
  (gunicorn; wsgiref invents ``text/plain`` and ``''``), never as ``HTTP_*``.
- ``HTTP_*``: one per header; repeated headers joined with ``","`` (no space),
  cookies included, exactly as wsgiref, werkzeug and gunicorn join them.
  Header names containing ``_`` are dropped, as gunicorn (by default) and
  werkzeug do: ``X-User_Id`` and ``X-User-Id`` would both become
  ``HTTP_X_USER_ID``, and a proxy that vetted one could be fooled by the other.
- ``wsgi.*``: the seven required keys, plus ``wsgi.file_wrapper`` (wsgiref,
  gunicorn) and ``wsgi.input_terminated`` (a werkzeug/gunicorn extension:
  "the server ends wsgi.input at the body's end, reading to EOF is safe").
- ``RAW_URI``/``REQUEST_URI``: the request target as sent (gunicorn, werkzeug,
  uWSGI, mod_wsgi); ``HTTPS=on`` for https (the Apache variable PEP 3333 asks for).
"""

from __future__ import annotations

import urllib.parse
from typing import Any
from wsgiref.util import FileWrapper

from sandbox import wire
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest

SERVER_SOFTWARE = wire.SERVER_NAME


def split_path(req: HttpRequest) -> tuple[str, str, str, bool]:
    """SCRIPT_NAME, PATH_INFO, QUERY_STRING, and whether root_path prefixed the path."""
    raw_path, _, query = req.path.partition("?")
    root = req.root_path
    prefixed = bool(root) and (raw_path == root or raw_path.startswith(root + "/"))
    if prefixed:
        raw_path = raw_path[len(root) :]
    return _latin1(root), _latin1(raw_path), query, prefixed


def _latin1(raw: str) -> str:
    return urllib.parse.unquote_to_bytes(raw).decode("latin-1")


def build(
    req: HttpRequest, headers: list[tuple[str, str]], stdin: Any, stderr: Any
) -> tuple[dict[str, Any], list[str]]:
    """The environ for one request, and the header names the server dropped."""
    script_name, path_info, query, _ = split_path(req)
    env: dict[str, Any] = {
        "REQUEST_METHOD": req.method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
    }
    dropped: list[str] = []
    http: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        if lower == "content-type":
            env["CONTENT_TYPE"] = value
        elif lower == "content-length":
            env["CONTENT_LENGTH"] = value
        elif "_" in name:
            dropped.append(name)
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
            http[key] = f"{http[key]},{value}" if key in http else value
    host, port = req.server
    client_host, client_port = req.client
    env.update(
        {
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": f"HTTP/{req.http_version}",
            "SERVER_SOFTWARE": SERVER_SOFTWARE,
            "GATEWAY_INTERFACE": "CGI/1.1",
            "REMOTE_ADDR": client_host,
            "REMOTE_PORT": str(client_port),
            "RAW_URI": req.path,
            "REQUEST_URI": req.path,
        }
    )
    if req.scheme == "https":
        env["HTTPS"] = "on"
    env.update(http)
    env.update(
        {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": req.scheme,
            "wsgi.input": stdin,
            "wsgi.errors": stderr,
            # One request at a time, in one process: the truth about this server.
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.file_wrapper": FileWrapper,
            # Not in PEP 3333: werkzeug and gunicorn's promise that wsgi.input ends
            # at the body's end (de-chunked if need be), so reading to EOF is safe.
            "wsgi.input_terminated": True,
        }
    )
    return env, dropped


def content_length(headers: list[tuple[str, str]]) -> int | None:
    """The request body length the server will deliver, or None (chunked or absent)."""
    for name, value in headers:
        if name.lower() == "content-length":
            try:
                return max(int(value), 0)
            except ValueError:
                return 0
    return None


def server_notes(
    req: HttpRequest, headers: list[tuple[str, str]], dropped: list[str], rec: Recorder
) -> None:
    """Explain what the server did to the request before the app saw it."""
    if dropped:
        rec.event(
            "note",
            {
                "text": tr(
                    "The server dropped the header(s) {names}: a name with '_' would map to the "
                    "same HTTP_* key as its '-' twin, so gunicorn and werkzeug ignore such "
                    "headers.",
                    names=", ".join(dropped),
                )
            },
        )
    if split_path(req)[3]:
        rec.event(
            "note",
            {
                "text": tr(
                    "The path {path} starts with the root path {root_path}, so the server split "
                    "it off into SCRIPT_NAME (as gunicorn does).",
                    path=repr(req.path),
                    root_path=repr(req.root_path),
                )
            },
        )
    if any(k.lower() == "expect" and v.lower() == "100-continue" for k, v in headers):
        rec.event("wire", {"what": "interim", "status": 100, "reason": "Continue"})
