"""Static files served from memory, fingerprinted and long-cached.

Every file under static/ (css, js, vendor) is read once at start-up, with a
gzip copy. URLs carry one fingerprint for the whole tree,
``/static/<tree-hash>/js/diagram.js``: ES modules import each other by
relative paths, so a per-file hash would break them, while one hash per tree
keeps relative imports working and still changes every URL when any file
changes. Such responses are ``immutable`` for a year; a request with a stale
hash still gets the file, but only with a short cache, so a page left open
across an upgrade keeps working.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

# Only what pages load: the editor's sources and build tooling stay out.
SERVED_DIRS = ("css", "js", "vendor")
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=60"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def default_root() -> Path:
    """static/ inside the installed package (``wsgi_asgi_tour/static``), else the checkout's."""
    here = Path(__file__).resolve().parent
    installed = here / "static"
    return installed if installed.is_dir() else here.parent / "static"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str


class StaticFiles:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_root()
        self.assets: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for folder in SERVED_DIRS:
            base = self.root / folder
            if not base.is_dir():
                continue
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                rel = path.relative_to(self.root).as_posix()
                body = path.read_bytes()
                digest.update(rel.encode() + b"\0" + body)
                self.assets[rel] = _asset(rel, body)
        self.tree_hash = digest.hexdigest()[:12]

    def url(self, path: str) -> str:
        """The long-cacheable URL of ``path`` (relative to static/); KeyError if missing."""
        if path not in self.assets:
            raise KeyError(f"no static file {path!r} under {self.root}")
        return f"/static/{self.tree_hash}/{path}"

    def compressed_size(self, path: str) -> int:
        asset = self.assets[path]
        return len(asset.gzipped if asset.gzipped is not None else asset.body)

    async def endpoint(self, request: Request) -> Response:
        version = request.path_params["version"]
        path = request.path_params["path"]
        asset = self.assets.get(path)
        if asset is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        cache = LONG_CACHE if version == self.tree_hash else SHORT_CACHE
        return asset_response(asset, request, cache)


def asset_response(asset: Asset, request: Request, cache: str) -> Response:
    headers = {"cache-control": cache, "vary": "accept-encoding"}
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["content-encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)


def _asset(name: str, body: bytes) -> Asset:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith((".js", ".mjs")):
        media_type = "text/javascript"  # the type browsers require for module scripts
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    gzipped = None
    if media_type.startswith(COMPRESSIBLE) and len(body) > 256:
        # mtime=0: the same bytes every start, so ETags and tests stay stable.
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    return Asset(body, gzipped, media_type)
