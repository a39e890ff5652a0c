"""Real framework apps as learner code: the engine must answer as a real server does.

Each app file runs twice in the same test: through ``sandbox.run`` and under a
real server (wsgiref for WSGI, uvicorn for ASGI) on 127.0.0.1. Status, the
headers that matter and the body must be the same. Headers that only the
server owns (date, server, connection, transfer-encoding) are left out.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fidelity.servers import real_server

SERVER_OWNED = {"date", "server", "connection", "transfer-encoding", "keep-alive"}

FLASK = """
from flask import Flask, jsonify, make_response, redirect, request

app = Flask(__name__)

@app.get("/")
def index():
    return "Hello from Flask"

@app.get("/hello")
def hello():
    return jsonify(greeting=f"Hello, {request.args.get('name', 'world')}!")

@app.post("/echo")
def echo():
    return jsonify(received=request.get_json(), length=request.content_length)

@app.get("/go")
def go():
    return redirect("/hello?name=Ada")

@app.get("/cookie")
def cookie():
    resp = make_response("cookie set")
    resp.set_cookie("visits", "4")
    resp.headers["X-Lesson"] = "fidelity"
    return resp
"""

STARLETTE = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, StreamingResponse
from starlette.routing import Route

async def index(request):
    return PlainTextResponse("Hello from Starlette")

async def hello(request):
    return JSONResponse({"greeting": f"Hello, {request.query_params.get('name', 'world')}!"})

async def echo(request):
    data = await request.json()
    return JSONResponse({"received": data}, headers={"x-lesson": "fidelity"})

async def go(request):
    return RedirectResponse("/hello?name=Ada")

async def stream(request):
    async def parts():
        for word in ("one ", "two ", "three"):
            yield word
    return StreamingResponse(parts(), media_type="text/plain")

async def cookie(request):
    resp = PlainTextResponse("cookie set")
    resp.set_cookie("visits", "4")
    return resp

app = Starlette(routes=[
    Route("/", index), Route("/hello", hello), Route("/echo", echo, methods=["POST"]),
    Route("/go", go), Route("/stream", stream), Route("/cookie", cookie),
])
"""

FASTAPI = """
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse

app = FastAPI()

@app.get("/", response_class=PlainTextResponse)
async def index():
    return "Hello from FastAPI"

@app.get("/hello")
async def hello(name: str = "world"):
    return {"greeting": f"Hello, {name}!"}

@app.post("/echo")
async def echo(item: dict):
    return {"received": item}

@app.get("/go")
async def go():
    return RedirectResponse("/hello?name=Ada")

@app.get("/cookie", response_class=PlainTextResponse)
async def cookie():
    resp = PlainTextResponse("cookie set")
    resp.set_cookie("visits", "4")
    return resp
"""

DJANGO_SETUP = """
import json
from django.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                       SECRET_KEY="lesson-only", MIDDLEWARE=[], USE_TZ=True)
import django
django.setup()

from django.http import HttpResponse, JsonResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

def index(request):
    return HttpResponse("Hello from Django", content_type="text/plain")

def hello(request):
    return JsonResponse({"greeting": f"Hello, {request.GET.get('name', 'world')}!"})

@csrf_exempt
def echo(request):
    return JsonResponse({"received": json.loads(request.body)})

def go(request):
    return HttpResponseRedirect("/hello?name=Ada")

def cookie(request):
    resp = HttpResponse("cookie set", content_type="text/plain")
    resp.set_cookie("visits", "4")
    return resp

urlpatterns = [path("", index), path("hello", hello), path("echo", echo), path("go", go),
               path("cookie", cookie)]
"""
DJANGO_WSGI = (
    DJANGO_SETUP
    + "\nfrom django.core.wsgi import get_wsgi_application\napp = get_wsgi_application()\n"
)
DJANGO_ASGI = (
    DJANGO_SETUP
    + "\nfrom django.core.asgi import get_asgi_application\napp = get_asgi_application()\n"
)

REQUESTS: list[dict[str, Any]] = [
    {"type": "http", "method": "GET", "path": "/"},
    {"type": "http", "method": "GET", "path": "/hello?name=Ada%20Lovelace"},
    {
        "type": "http",
        "method": "POST",
        "path": "/echo",
        "body": '{"n": 1, "word": "caf\u00e9"}',
        "headers": [["content-type", "application/json"]],
    },
    {"type": "http", "method": "GET", "path": "/go"},
    {"type": "http", "method": "GET", "path": "/cookie"},
    {"type": "http", "method": "GET", "path": "/missing"},
    {"type": "http", "method": "HEAD", "path": "/"},
]

APPS = [
    pytest.param("flask_app", FLASK, "wsgi", id="flask-wsgiref"),
    pytest.param("django_site", DJANGO_WSGI, "wsgi", id="django-wsgiref"),
    pytest.param("starlette_app", STARLETTE, "asgi", id="starlette-uvicorn"),
    pytest.param("fastapi_app", FASTAPI, "asgi", id="fastapi-uvicorn"),
    pytest.param("django_site", DJANGO_ASGI, "asgi", id="django-uvicorn"),
]


def _engine(app_file: Path) -> dict[str, Any]:
    """The engine's trace, from a fresh process as in the site (Django's settings and
    other framework state are process-wide, and lessons configure them too)."""
    scenario = app_file.with_suffix(".json")
    scenario.write_text(json.dumps({"requests": REQUESTS}))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wsgi_asgi_tour",
            "run",
            str(app_file),
            "--scenario",
            str(scenario),
            "--json",
            "--timeout",
            "10",
        ],
        capture_output=True,
        text=True,
        cwd=app_file.parent,
        timeout=60,
    )
    assert proc.stdout, proc.stderr
    trace: dict[str, Any] = json.loads(proc.stdout)
    return trace


def _comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # A client strips the optional whitespace around a header value (RFC 9112 5.1).
    return sorted((k.lower(), v.strip()) for k, v in headers if k.lower() not in SERVER_OWNED)


def _real(client: httpx.Client, req: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    r = client.request(
        req["method"],
        req["path"],
        content=req.get("body", "").encode() or None,
        headers=dict(req.get("headers", [])),
        follow_redirects=False,
    )
    return r.status_code, list(r.headers.multi_items()), r.content


@pytest.mark.parametrize(("name", "source", "kind"), APPS)
def test_engine_matches_real_server(name: str, source: str, kind: str, tmp_path: Path) -> None:
    app_file = tmp_path / f"{name}.py"
    app_file.write_text(source)
    trace = _engine(app_file)
    assert trace["interface"] == kind
    assert trace["outcome"] == "ok", trace["error"]
    errors = [v for v in trace["violations"] if v["severity"] == "error"]
    assert not errors, errors
    with real_server(app_file, kind) as client:
        for req, got in zip(REQUESTS, trace["responses"], strict=True):
            status, headers, body = _real(client, req)
            where = f"{req['method']} {req['path']}"
            assert got["status"] == status, where
            assert _comparable([tuple(h) for h in got["headers"]]) == _comparable(headers), where
            assert base64.b64decode(got["body_base64"]) == body, where
