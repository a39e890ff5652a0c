"""Local-machine safety: who may talk to the tour, and what every response carries.

The threat is a hostile page open in the learner's own browser (CVE-2025-49596,
the DNS-rebinding fixes in Jupyter): it can make the browser send requests to
127.0.0.1, but it cannot read our answers, set our Host, forge an Origin, or
know the per-launch token. So, for every request:

1. the Host header must be a loopback name or a configured one (DNS rebinding
   sends the attacker's name);
2. a GET carrying ``?token=`` swaps it for an HttpOnly SameSite=Strict cookie
   and redirects to the same URL without it, so the token leaves the address bar;
3. a state-changing request must come from our own origin (``Origin`` equal to
   the Host, and no ``Sec-Fetch-Site`` saying otherwise), be
   ``Content-Type: application/json`` (a plain HTML form cannot send that
   without CORS preflight), and, in local mode, carry the token (Bearer header
   or the cookie), compared in constant time;

and every response gets the security headers (CSP without inline scripts).
"""

from __future__ import annotations

import hmac
import html
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from wsgi_asgi_tour import i18n
from wsgi_asgi_tour.errors import error
from wsgi_asgi_tour.i18n import t
from wsgi_asgi_tour.lang_choice import from_accept_language
from wsgi_asgi_tour.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no 'unsafe-inline': a script must be a file we serve
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = _add_headers(send)
        elif scope["type"] != "websocket":  # lifespan
            await self.app(scope, receive, send)
            return
        refusal = self.check(scope, Headers(scope=scope))
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            # Closing before accept makes the server answer the handshake with 403.
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
        else:
            await refusal(scope, receive, send)

    def check(self, scope: Scope, headers: Headers) -> Response | None:
        """The response that refuses this request, or None to let it through."""
        host = headers.get("host", "")
        if not self.settings.host_allowed(_strip_port(host.lower())):
            return error(403, "host_not_allowed",
                         t("security.host_not_allowed", _lang(headers), host=repr(host)))
        origin = headers.get("origin")
        if scope["type"] == "websocket":
            return None if origin is None or same_origin(origin, host) else _cross_origin(headers)
        method = scope["method"]
        if method in SAFE_METHODS:
            if method == "GET" and not self.settings.hosted and b"token=" in scope["query_string"]:
                return self._swap_token_for_cookie(scope)
            return None
        if origin is not None and not same_origin(origin, host):
            return _cross_origin(headers)
        # Browsers too old to send Origin still send this on cross-site requests. Ports do
        # not separate sites, so "same-site" includes another server on localhost.
        if headers.get("sec-fetch-site", "same-origin") in ("cross-site", "same-site"):
            return _cross_origin(headers)
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            return error(415, "unsupported_media_type",
                         t("security.json_only", _lang(headers), got=repr(media_type or "none")))
        if not self.settings.hosted and not self._has_token(headers):
            return error(401, "token_required", t("security.token_required", _lang(headers)),
                         headers={"www-authenticate": "Bearer"})
        return None

    def _has_token(self, headers: Headers) -> bool:
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._token_ok(credential.strip()):
            return True
        cookie = _cookie(headers, self.settings.cookie_name)
        return cookie is not None and self._token_ok(cookie)

    def _token_ok(self, candidate: str) -> bool:
        # Constant time, so response timing does not reveal how many characters matched.
        return hmac.compare_digest(
            candidate.encode("utf-8", "surrogateescape"), self.settings.token.encode())

    def _swap_token_for_cookie(self, scope: Scope) -> Response | None:
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        tokens = [value for name, value in query if name == "token"]
        if not tokens:
            return None  # "token=" was part of another parameter's name or value
        if not self._token_ok(tokens[-1]):
            headers = Headers(scope=scope)
            path_lang = i18n.split(scope["path"])[0]
            lang = path_lang if path_lang != i18n.DEFAULT else _lang(headers)
            message = t("security.bad_token", lang)
            if "text/html" in headers.get("accept", ""):  # a learner's browser: a page
                return _error_page(403, t("security.bad_token_title", lang), message, lang)
            return error(403, "bad_token", message)
        rest = urlencode([(n, v) for n, v in query if n != "token"])
        path = scope.get("root_path", "") + scope["path"]
        # "//evil.example" would be a link to another site: keep the redirect on ours.
        location = "/" + path.lstrip("/\\") + ("?" + rest if rest else "")
        response = RedirectResponse(
            location, status_code=303, headers={"cache-control": "no-store"})
        response.set_cookie(
            self.settings.cookie_name, self.settings.token, httponly=True, samesite="strict",
            path="/")
        return response


def same_origin(origin: str, host: str) -> bool:
    """Whether an ``Origin`` header names the server the ``Host`` header names.

    Host and port must match; the scheme is not compared, because a TLS proxy in
    front makes the page https while the request reaching us is plain http, and no
    other server can be listening on the same host and port.
    """
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return False
    default = ":80" if parts.scheme == "http" else ":443"
    return parts.netloc.lower().removesuffix(default) == host.lower().removesuffix(default)


def _cross_origin(headers: Headers) -> Response:
    return error(403, "cross_origin", t("security.cross_origin", _lang(headers)))


def _lang(headers: Headers) -> str:
    # The tour's pages send their own language as Accept-Language (run.js), so a
    # refusal reads in the page's language; other clients get their browser's.
    return from_accept_language(headers.get("accept-language", ""))


def _error_page(status: int, title: str, message: str, lang: str) -> Response:
    """A plain page for a refusal met by navigating, not by a script."""
    body = (f'<!doctype html><html lang="{i18n.html_lang(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}"
            f"</h1><p>{html.escape(message)}</p></main></body></html>")
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


def _strip_port(host: str) -> str:
    if host.startswith("["):  # [::1]:8000
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def _cookie(headers: Headers, name: str) -> str | None:
    for header in headers.getlist("cookie"):
        for pair in header.split(";"):
            key, _, value = pair.strip().partition("=")
            if key == name:
                return value
    return None


def _add_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers} & _SECURITY_NAMES
            # A page may set its own stricter policy; never send two of one header.
            headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers
