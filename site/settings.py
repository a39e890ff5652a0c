"""Settings for one launch of the site: where it listens, who may call it, how hard.

Everything has a default that is safe on a learner's own machine; the
``WSGI_ASGI_TOUR_*`` environment variables change it (``Settings.from_env``).
Sandbox figures (CPU, memory, slots, queue) live in
``sandbox.isolation.config.Limits`` and read the same prefix.

| variable | default | meaning |
|---|---|---|
| ``WSGI_ASGI_TOUR_TOKEN`` | random per launch | the run API's secret in local mode |
| ``WSGI_ASGI_TOUR_ALLOWED_HOSTS`` | (none) | extra Host names, comma separated |
| ``WSGI_ASGI_TOUR_RATE_PER_S`` | 1.0 | runs per second one client earns (hosted) |
| ``WSGI_ASGI_TOUR_RATE_BURST`` | 10 | runs one client may make at once (hosted) |
| ``WSGI_ASGI_TOUR_MAX_BODY_BYTES`` | 262144 | largest ``POST /api/run`` body |
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sandbox.isolation.config import Limits

PREFIX = "WSGI_ASGI_TOUR_"
# Names a browser on this machine uses for it; any port. Always allowed, so the printed
# URL works whichever of them the learner types.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
# Binding to these means "every interface": they are never a Host a client sends.
WILDCARD_BIND = frozenset({"0.0.0.0", "::", ""})

TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "-_.~")

T = TypeVar("T", int, float)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Hosted: serving other people. Demands strong isolation, rate-limits runs, and drops
    # the token (visitors never see the console that prints it).
    hosted: bool = False
    # Host header names accepted besides the loopback ones (lower case, without port).
    allowed_hosts: frozenset[str] = frozenset()
    token: str = field(default_factory=_new_token, repr=False)
    limits: Limits = field(default_factory=Limits)
    # Per-client token bucket for POST /api/run in hosted mode.
    rate_per_s: float = 1.0
    rate_burst: int = 10
    # JSON bodies bigger than this get 413 before they are parsed. The engine accepts
    # request bodies up to 1 MiB in a scenario; lessons need far less.
    max_body_bytes: int = 256 * 1024

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        hosted: bool = False,
    ) -> Settings:
        """Settings for ``serve``: its arguments, then the environment variables."""
        env = os.environ if environ is None else environ
        names = {h.strip().lower() for h in env.get(PREFIX + "ALLOWED_HOSTS", "").split(",")}
        names.discard("")
        # Serving on a specific name or address: clients will send that as Host.
        if host not in WILDCARD_BIND:
            names.add(host_name(host))
        token = env.get(PREFIX + "TOKEN") or _new_token()
        # It travels in a URL and a cookie: keep it to characters neither needs to escape.
        if not TOKEN_CHARS.issuperset(token):
            raise ValueError(
                f"{PREFIX}TOKEN: use only letters, digits and '-', '_', '.', '~'")
        return cls(
            host=host,
            port=port,
            hosted=hosted,
            allowed_hosts=frozenset(names),
            token=token,
            limits=Limits.from_env(dict(env)),
            rate_per_s=_number(env, "RATE_PER_S", 1.0, float),
            rate_burst=_number(env, "RATE_BURST", 10, int),
            max_body_bytes=_number(env, "MAX_BODY_BYTES", 256 * 1024, int),
        )

    def host_allowed(self, name: str) -> bool:
        """``name`` is a Host header value without its port, lower case."""
        return name in LOOPBACK_HOSTS or name in self.allowed_hosts

    @property
    def cookie_name(self) -> str:
        # Browsers share cookies between ports of one host, so two tours on
        # localhost:8000 and :8001 would overwrite each other's token without the port.
        return f"wsgi_asgi_tour_token_{self.port}"

    @property
    def mode(self) -> str:
        return "hosted" if self.hosted else "local"


def host_name(host: str) -> str:
    """The Host header form of a bind address: IPv6 literals go in brackets."""
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host.lower()


def _number(env: Mapping[str, str], name: str, default: T, kind: type[T]) -> T:
    raw = env.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{PREFIX}{name}={raw!r}: expected a number") from None
    if value <= 0:
        raise ValueError(f"{PREFIX}{name}={raw!r}: must be more than 0")
    return value
