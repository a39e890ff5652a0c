"""Follow mode's endpoints: open a room, follow it over a WebSocket, see its page.

``POST /api/rooms`` (guarded like ``/api/run``) opens a room and answers its
id and secret. Everyone with the link connects to ``/ws/rooms/{room}`` and
receives a hello, the last run, and every run after it. The teacher's page
publishes on that same socket after ``{"type": "auth", "secret": ...}``: it is
already open (for the follower count), so a run reaches the room in one hop,
without a new request through the middleware, and the secret never travels in
a URL where logs would keep it. Contracts and close codes: docs/follow.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from wsgi_asgi_tour.errors import NO_STORE, JSONResponse, error
from wsgi_asgi_tour.room_messages import CLOSE_BAD_MESSAGE, CLOSE_FORBIDDEN, RoomError, parse_json
from wsgi_asgi_tour.rooms import Member, Room, Rooms

log = logging.getLogger("wsgi_asgi_tour")

SWEEP_EVERY_S = 30.0
CLOSE_WAIT_S = 5.0  # how long a closing connection may take to flush before we let go
# A teacher's connection holds one of the few teacher places: it must show the secret
# at once, or anyone could fill those places and lock the teacher out.
AUTH_WAIT_S = 10.0


async def create_room(request: Request) -> Response:
    rooms = registry(request.app.state)
    try:
        room = rooms.create()
    except RoomError as exc:
        return error(503, "rooms_full", str(exc), headers={"retry-after": "60"})
    _ensure_sweeper(request.app.state)
    left = room.expires_at(rooms.caps) - rooms.clock()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=left)
    return JSONResponse({
        "room": room.id,
        "secret": room.secret,
        # The host the teacher used: serve on a name the students can reach (docs/follow.md).
        "follow_url": f"{str(request.base_url).rstrip('/')}/follow/{room.id}",
        "ws_path": f"/ws/rooms/{room.id}",
        "expires_at": expires.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }, status_code=201, headers=NO_STORE)


async def room_socket(ws: WebSocket) -> None:
    # Accept first, then refuse: a close before accept becomes an HTTP 403 and the
    # browser sees only 1006, never the code that says why.
    await ws.accept()
    rooms = registry(ws.app.state)
    try:
        room, member = rooms.join(ws.path_params["room"],
                                  teacher=ws.query_params.get("as") == "teacher")
    except RoomError as exc:
        await ws.close(exc.code, _reason(exc))
        return
    sender = asyncio.create_task(_pump(ws, member))
    try:
        await _listen(ws, rooms, room, member)
        if member.outbox.closed is None:
            sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(sender, CLOSE_WAIT_S)
    finally:
        sender.cancel()
        rooms.leave(room, member)


async def _listen(ws: WebSocket, rooms: Rooms, room: Room, member: Member) -> None:
    """Read until the peer leaves or breaks a rule (then its outbox carries the close)."""
    while member.outbox.closed is None:
        if member.teacher and not member.publisher:
            try:
                message = await asyncio.wait_for(ws.receive(), AUTH_WAIT_S)
            except TimeoutError:
                member.outbox.close(CLOSE_FORBIDDEN, "send the room's secret first")
                return
        else:
            message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        try:
            if text is None:
                raise RoomError(CLOSE_BAD_MESSAGE, "Send JSON text, not binary frames.")
            _handle(rooms, room, member, text)
        except RoomError as exc:
            member.outbox.close(exc.code, _reason(exc))


def _handle(rooms: Rooms, room: Room, member: Member, text: str) -> None:
    rooms.check_size(text)
    data = parse_json(text)
    kind = data.get("type")
    if member.teacher and not member.publisher and kind != "auth":
        raise RoomError(CLOSE_FORBIDDEN, 'A teacher\'s connection starts with '
                        '{"type": "auth", "secret": ...}.')
    if kind == "run":
        rooms.publish(room, member, data, text)
    elif kind == "auth":
        secret = data.get("secret")
        rooms.authenticate(room, member, secret if isinstance(secret, str) else "")
    elif kind == "close":
        rooms.close(room, member)
    elif kind != "ping":  # pings keep idle proxies from closing the socket; nothing to do
        raise RoomError(CLOSE_BAD_MESSAGE,
                        f"Unknown message type {str(kind)[:40]!r}; see docs/follow.md.")


async def _pump(ws: WebSocket, member: Member) -> None:
    """Send the outbox in order; a close item ends the connection with its code."""
    try:
        while True:
            item = await member.outbox.queue.get()
            if isinstance(item, tuple):
                await ws.close(*item)
                return
            await ws.send_text(item)
    except Exception:  # the peer vanished mid-send: nothing left to tell it
        log.debug("follow: a connection ended while sending", exc_info=True)


def _reason(exc: RoomError) -> str:
    # A close reason is at most 123 bytes; keep the start of the learner's message.
    reason = str(exc).encode()[:123]
    return reason.decode("utf-8", "ignore")


def registry(state: Any) -> Rooms:
    """The app's rooms, made on first use (one registry per app, so tests stay apart)."""
    rooms = getattr(state, "rooms", None)
    if rooms is None:
        rooms = state.rooms = Rooms()
    assert isinstance(rooms, Rooms)
    return rooms


def _ensure_sweeper(state: Any) -> None:
    task = getattr(state, "room_sweeper", None)
    if task is None or task.done():
        state.room_sweeper = asyncio.create_task(_sweep(registry(state)))


async def _sweep(rooms: Rooms) -> None:
    # Ends when no room is left; the next create_room starts it again. Followers of an
    # expired room get CLOSE_UNKNOWN through their outboxes.
    while rooms.rooms:
        await asyncio.sleep(SWEEP_EVERY_S)
        rooms.sweep()

