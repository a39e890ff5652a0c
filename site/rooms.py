"""Follow mode's rooms: who is in one, who may publish to it, and when it ends.

Pure bookkeeping, no sockets: ``follow.py`` turns each WebSocket into a ``Member``
and pumps its ``outbox``; what a message may hold is ``room_messages.py``. A room
keeps only its last run (for latecomers) and each member's outbox holds at most
``Caps.outbox`` messages, all references to one encoded string per run; a member
whose outbox is full is too slow for the room and is closed with ``CLOSE_SLOW``, so
memory never grows with a stalled reader. Times come from an injected clock
(monotonic seconds).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wsgi_asgi_tour.room_messages import (
    CLOSE_FORBIDDEN,
    CLOSE_FULL,
    CLOSE_SLOW,
    CLOSE_TOO_BIG,
    CLOSE_UNKNOWN,
    RoomError,
    check_run,
    too_big,
    with_seq,
)


@dataclass(frozen=True)
class Caps:
    rooms: int = 200                 # rooms open at once on this server
    followers: int = 200             # followers of one room (teacher tabs count apart)
    publishers: int = 8              # teacher connections of one room (tabs, windows)
    message_bytes: int = 512 * 1024  # one published run; a typical trace is 5-10 KiB
    outbox: int = 8                  # messages waiting for one slow reader before it is dropped
    idle_s: float = 2 * 3600         # a room without a teacher or a run for this long ends
    max_age_s: float = 12 * 3600     # and every room ends this long after it was opened


class Outbox:
    """Messages waiting for one connection: text to send, or a close (code, reason) to end it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queue: asyncio.Queue[str | tuple[int, str]] = asyncio.Queue()
        self.closed: tuple[int, str] | None = None

    def offer(self, text: str) -> bool:
        """Queue ``text``; False (and the outbox closed) when the reader is too far behind."""
        if self.closed is not None:
            return False
        if self.queue.qsize() >= self.limit:
            self.close(CLOSE_SLOW, "too slow: fell behind the room; reconnect to catch up")
            return False
        self.queue.put_nowait(text)
        return True

    def close(self, code: int, reason: str) -> None:
        if self.closed is None:
            self.closed = (code, reason)
            self.queue.put_nowait(self.closed)  # the one item allowed past the limit


@dataclass(eq=False)
class Member:
    outbox: Outbox
    # A teacher's connection is one from the start (it asked to be, ``join(teacher=True)``),
    # so a room full of followers never locks its teacher out; it publishes once it has
    # shown the secret (``publisher``). follow.py closes one that does not do so at once.
    teacher: bool = False
    publisher: bool = False


@dataclass(eq=False)
class Room:
    id: str
    secret: str = field(repr=False)
    created: float
    active: float  # last publish or teacher connection: the idle clock starts here
    members: set[Member] = field(default_factory=set)
    last_run: str | None = None
    seq: int = 0

    def followers(self) -> int:
        return sum(not m.teacher for m in self.members)

    def teachers(self) -> int:
        return sum(m.teacher for m in self.members)

    def publishers(self) -> int:
        return sum(m.publisher for m in self.members)

    def expires_at(self, caps: Caps) -> float:
        idle_end = float("inf") if self.publishers() else self.active + caps.idle_s
        return min(idle_end, self.created + caps.max_age_s)

    def secret_ok(self, candidate: str) -> bool:
        # Constant time: response timing must not reveal how much of a guess was right.
        return hmac.compare_digest(
            candidate.encode("utf-8", "surrogatepass"), self.secret.encode())

    def broadcast(self, text: str, *, publishers: bool) -> list[Member]:
        """Offer ``text`` to the followers (or the publishers); the members dropped as slow."""
        return [m for m in list(self.members)
                if (m.publisher if publishers else not m.teacher) and not m.outbox.offer(text)]


def new_room_id() -> str:
    # 40 random bits as 8 base32 letters: short enough to read out, and with at most
    # Caps.rooms rooms a guess finds one with odds of about 1 in 5 billion.
    return base64.b32encode(secrets.token_bytes(5)).decode().lower()


class Rooms:
    def __init__(self, caps: Caps | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.caps = caps or Caps()
        self.clock = clock
        self.rooms: dict[str, Room] = {}

    def create(self) -> Room:
        self.sweep()
        if len(self.rooms) >= self.caps.rooms:
            raise RoomError(CLOSE_FULL, f"This server already has {self.caps.rooms} rooms open; "
                            "try again later, or close a room you no longer use.")
        room_id = new_room_id()
        while room_id in self.rooms:  # pragma: no cover (1 in 5 billion)
            room_id = new_room_id()
        now = self.clock()
        room = Room(room_id, secrets.token_urlsafe(32), created=now, active=now)
        self.rooms[room_id] = room
        return room

    def get(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None or room.expires_at(self.caps) <= self.clock():
            self.sweep()
            raise RoomError(CLOSE_UNKNOWN, "There is no room with this link: it was never "
                            "opened, or it has closed. Ask your teacher for a new link.")
        return room

    def join(self, room_id: str, *, teacher: bool = False) -> tuple[Room, Member]:
        """A new connection: a follower's outbox starts with the hello and the last run."""
        room = self.get(room_id)
        if teacher:
            self._check_teacher_place(room)
        if not teacher and room.followers() >= self.caps.followers:
            raise RoomError(CLOSE_FULL, f"This room is full ({self.caps.followers} followers).")
        member = Member(Outbox(self.caps.outbox), teacher=teacher)
        room.members.add(member)
        member.outbox.offer(self.hello(room))
        if room.last_run is not None and not teacher:
            member.outbox.offer(room.last_run)
        self._count_changed(room)
        return room, member

    def hello(self, room: Room) -> str:
        return _encode({"type": "hello", "room": room.id, "expires_in_s": self._expires_in(room),
                        "seq": room.seq, "followers": room.followers()})

    def authenticate(self, room: Room, member: Member, secret: str) -> None:
        """Make ``member`` a publisher of ``room`` if ``secret`` is the room's; it is sent
        ``{"type": "ready"}``."""
        if not room.secret_ok(secret):
            raise RoomError(CLOSE_FORBIDDEN, "That is not this room's secret.")
        if not member.teacher:
            self._check_teacher_place(room)
        was_follower = not member.teacher
        member.teacher = member.publisher = True
        room.active = self.clock()
        member.outbox.offer(self.ready(room))
        if was_follower:
            self._count_changed(room)

    def ready(self, room: Room) -> str:
        """The answer to a good secret: this connection may publish from now on."""
        return _encode({"type": "ready", "room": room.id, "expires_in_s": self._expires_in(room),
                        "followers": room.followers()})

    def _check_teacher_place(self, room: Room) -> None:
        if room.teachers() >= self.caps.publishers:
            raise RoomError(CLOSE_FULL, f"This room already has {self.caps.publishers} "
                            "teacher connections; close another tab first.")

    def _expires_in(self, room: Room) -> int:
        return round(max(0.0, room.expires_at(self.caps) - self.clock()))

    def close(self, room: Room, member: Member) -> None:
        """The teacher ends the room: every connection gets CLOSE_UNKNOWN."""
        if not member.publisher:
            raise RoomError(CLOSE_FORBIDDEN, "Only the teacher can close the room.")
        self.rooms.pop(room.id, None)
        self._end(room, "the teacher closed the room")

    def leave(self, room: Room, member: Member) -> None:
        if member in room.members:
            room.members.discard(member)
            if member.publisher:
                room.active = self.clock()  # the idle clock starts when the teacher leaves
            self._count_changed(room)

    def check_size(self, text: str) -> None:
        """Refuse a message over the cap before spending time parsing it."""
        if len(text.encode("utf-8", "surrogatepass")) > self.caps.message_bytes:
            raise RoomError(CLOSE_TOO_BIG, too_big(self.caps.message_bytes))

    def publish(self, room: Room, member: Member, data: dict[str, Any],
                text: str | None = None) -> str:
        """Check and send one run from a publisher: ``data`` parsed from ``text`` (its
        size checked). Returns the message the followers got."""
        if not member.publisher:
            raise RoomError(CLOSE_FORBIDDEN, "Only the teacher can publish runs: send "
                            '{"type": "auth", "secret": ...} first.')
        check_run(data)
        room.seq += 1
        room.active = self.clock()
        message = with_seq(text, room.seq) if text is not None else None
        if message is None:
            message = _encode({**data, "seq": room.seq})
        room.last_run = message
        dropped = room.broadcast(message, publishers=False)
        if dropped:
            room.members.difference_update(dropped)
            self._count_changed(room)
        return message

    def sweep(self) -> list[Room]:
        """Remove expired rooms and close their members' outboxes; the rooms removed."""
        now = self.clock()
        gone = [r for r in self.rooms.values() if r.expires_at(self.caps) <= now]
        for room in gone:
            del self.rooms[room.id]
            self._end(room, "the room expired")
        return gone

    def _end(self, room: Room, reason: str) -> None:
        for member in room.members:
            member.outbox.close(CLOSE_UNKNOWN, reason)
        room.members.clear()

    def _count_changed(self, room: Room) -> None:
        count = _encode({"type": "followers", "count": room.followers()})
        for slow in room.broadcast(count, publishers=True):
            room.members.discard(slow)


def _encode(message: dict[str, Any]) -> str:
    # The trace was JSON a moment ago, so it encodes; ensure_ascii keeps lone surrogates
    # (a learner may print "\ud800") valid on the wire.
    return json.dumps(message, separators=(",", ":"))
