"""Follow mode end to end: a real uvicorn, the ``websockets`` client, real runs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from wsgi_asgi_tour import follow
from wsgi_asgi_tour.rooms import Caps, Rooms

from tests.site.conftest import AUTH, HELLO_WSGI, JSON, Live, live_server, make_settings

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # anyio's pytest plugin runs the async tests (marked below) on asyncio


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with live_server(make_settings()) as running:
        yield running


def open_room(live: Live) -> dict[str, Any]:
    answer = httpx.post(f"{live.url}/api/rooms", json={}, headers={**AUTH, "origin": live.url})
    assert answer.status_code == 201, answer.text
    room: dict[str, Any] = answer.json()
    return room


def socket(live: Live, room: str, *, teacher: bool = False, **kw: Any) -> Any:
    query = "?as=teacher" if teacher else ""
    return connect(f"ws://{live.host}:{live.port}/ws/rooms/{room}{query}", **kw)


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return message


async def closed_with(ws: ClientConnection) -> tuple[int, str]:
    """Read until the server closes; its close code and reason."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    frame = closed.value.rcvd
    assert frame is not None, "the server dropped the connection without a close frame"
    return frame.code, frame.reason


async def authed(ws: ClientConnection, secret: str) -> dict[str, Any]:
    hello = await receive(ws)
    assert hello["type"] == "hello"
    await ws.send(json.dumps({"type": "auth", "secret": secret}))
    ready = await receive(ws)
    assert ready["type"] == "ready"
    return ready


def real_run(live: Live) -> dict[str, Any]:
    """What a teacher's page publishes after a real POST /api/run."""
    scenario = {"path": "/hello?name=Ada"}
    answer = httpx.post(f"{live.url}/api/run", json={"code": HELLO_WSGI, "scenario": scenario},
                        headers={**AUTH, "origin": live.url}, timeout=60)
    assert answer.status_code == 200, answer.text
    trace = answer.json()
    return {"type": "run", "code": HELLO_WSGI, "scenario": scenario,
            "interface": trace["interface"], "trace": trace, "lesson": "/playground"}


# -- opening a room -----------------------------------------------------------------------

def test_opening_a_room_needs_what_a_run_needs(live: Live) -> None:
    no_token = httpx.post(f"{live.url}/api/rooms", json={}, headers=JSON)
    assert no_token.status_code == 401
    cross = httpx.post(f"{live.url}/api/rooms", json={},
                       headers={**AUTH, "origin": "http://evil.example"})
    assert cross.status_code == 403
    room = open_room(live)
    assert set(room) == {"room", "secret", "follow_url", "ws_path", "expires_at"}
    assert room["follow_url"] == f"{live.url}/follow/{room['room']}"
    assert room["ws_path"] == f"/ws/rooms/{room['room']}"
    assert room["expires_at"].endswith("Z")


def test_the_follow_page_carries_its_room(live: Live) -> None:
    room = open_room(live)
    page = httpx.get(room["follow_url"])
    assert page.status_code == 200
    assert f'data-room="{room["room"]}"' in page.text
    assert "follow-page.js" in page.text
    # Whatever is in the URL becomes text, never markup.
    odd = httpx.get(f"{live.url}/follow/%22%3E%3Cscript%3E")
    assert "<script>" not in odd.text.split('id="follow"')[1].split(">")[0]


# -- close codes ------------------------------------------------------------------------

@pytest.mark.anyio
async def test_an_unknown_room_closes_4404(live: Live) -> None:
    async with socket(live, "nosuchrm") as ws:
        code, reason = await closed_with(ws)
    assert code == 4404 and "no room" in reason


@pytest.mark.anyio
async def test_a_wrong_secret_closes_4403(live: Live) -> None:
    room = open_room(live)
    async with socket(live, room["room"], teacher=True) as ws:
        await receive(ws)
        await ws.send(json.dumps({"type": "auth", "secret": room["secret"][:-2] + "xx"}))
        code, _ = await closed_with(ws)
    assert code == 4403


@pytest.mark.anyio
async def test_publishing_without_the_secret_closes_4403(live: Live) -> None:
    room = open_room(live)
    run = {"type": "run", "code": "", "scenario": {}, "interface": "wsgi", "trace": {}}
    for teacher in (False, True):
        async with socket(live, room["room"], teacher=teacher) as ws:
            await receive(ws)
            await ws.send(json.dumps(run))
            code, _ = await closed_with(ws)
        assert code == 4403


@pytest.mark.anyio
async def test_an_oversized_message_closes_1009(live: Live) -> None:
    room = open_room(live)
    async with socket(live, room["room"], teacher=True) as ws:
        await authed(ws, room["secret"])
        big = {"type": "run", "code": "x" * (600 * 1024), "scenario": {}, "interface": "wsgi",
               "trace": {}}
        await ws.send(json.dumps(big))
        code, reason = await closed_with(ws)
    assert code == 1009 and "512 KiB" in reason


@pytest.mark.anyio
@pytest.mark.parametrize(("text", "code"), [("{not json", 1007), ('{"type": "dance"}', 4400)])
async def test_bad_messages_close_with_their_code(live: Live, text: str, code: int) -> None:
    room = open_room(live)
    async with socket(live, room["room"]) as ws:
        await receive(ws)
        await ws.send(text)
        assert (await closed_with(ws))[0] == code


@pytest.mark.anyio
async def test_a_full_room_closes_4429_but_lets_its_teacher_in(
        live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live.app.state, "rooms", Rooms(Caps(followers=1)))
    room = open_room(live)
    async with socket(live, room["room"]) as first:
        await receive(first)
        async with socket(live, room["room"]) as second:
            code, reason = await closed_with(second)
        assert code == 4429 and "full" in reason
        async with socket(live, room["room"], teacher=True) as teacher:
            assert (await authed(teacher, room["secret"]))["followers"] == 1


@pytest.mark.anyio
async def test_a_teacher_connection_must_authenticate_at_once(
        live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow, "AUTH_WAIT_S", 0.3)
    room = open_room(live)
    async with socket(live, room["room"], teacher=True) as idle:
        await receive(idle)
        code, reason = await closed_with(idle)
    assert code == 4403 and "secret" in reason


@pytest.mark.anyio
async def test_too_many_rooms_answer_503(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live.app.state, "rooms", Rooms(Caps(rooms=1)))
    open_room(live)
    refused = httpx.post(f"{live.url}/api/rooms", json={}, headers={**AUTH, "origin": live.url})
    assert refused.status_code == 503 and refused.headers["retry-after"] == "60"
    assert refused.json()["error"]["code"] == "rooms_full"


@pytest.mark.anyio
async def test_a_cross_site_page_cannot_connect(live: Live) -> None:
    room = open_room(live)
    with pytest.raises(InvalidStatus) as refused:
        async with socket(live, room["room"], origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as rebinding:
        # DNS rebinding: the attacker's name, resolving to us (the socket goes to 127.0.0.1).
        async with connect(f"ws://evil.example:{live.port}/ws/rooms/{room['room']}",
                           host=live.host, port=live.port):
            pass
    assert rebinding.value.response.status_code == 403
    async with socket(live, room["room"], origin=live.url) as ws:  # our own page may
        assert (await receive(ws))["type"] == "hello"


# -- runs reaching followers -------------------------------------------------------------

@pytest.mark.anyio
async def test_a_published_run_reaches_every_follower(live: Live) -> None:
    room = open_room(live)
    run = real_run(live)
    async with socket(live, room["room"]) as one, socket(live, room["room"]) as two, \
            socket(live, room["room"], teacher=True) as teacher:
        for ws in (one, two):
            hello = await receive(ws)
            assert hello == {**hello, "type": "hello", "room": room["room"], "seq": 0}
        ready = await authed(teacher, room["secret"])
        assert ready["followers"] == 2
        await teacher.send(json.dumps(run))
        for ws in (one, two):
            got = await receive(ws)
            assert got == {**run, "seq": 1}
            assert got["trace"]["outcome"] == "ok"
        await one.close()
        assert await receive(teacher) == {"type": "followers", "count": 1}


@pytest.mark.anyio
async def test_a_late_joiner_gets_the_last_run(live: Live) -> None:
    room = open_room(live)
    run = real_run(live)
    async with socket(live, room["room"], teacher=True) as teacher:
        await authed(teacher, room["secret"])
        for code in ("first", "second"):
            await teacher.send(json.dumps({**run, "code": code}))
        # The teacher hears nothing back for a run; a ping round-trip shows it was read.
        await teacher.ping()
    async with socket(live, room["room"]) as late:
        hello = await receive(late)
        assert hello["seq"] == 2
        last = await receive(late)
        assert last["code"] == "second" and last["seq"] == 2 and last["trace"] == run["trace"]


@pytest.mark.anyio
async def test_closing_the_room_tells_its_followers(live: Live) -> None:
    room = open_room(live)
    async with socket(live, room["room"]) as follower, \
            socket(live, room["room"], teacher=True) as teacher:
        await receive(follower)
        await authed(teacher, room["secret"])
        await teacher.send(json.dumps({"type": "close"}))
        code, reason = await closed_with(follower)
        assert (code, reason) == (4404, "the teacher closed the room")
    async with socket(live, room["room"]) as again:
        assert (await closed_with(again))[0] == 4404
