"""Follow mode's rooms (rooms.py and the message checks of room_messages.py): secrets,
expiry on an injected clock, caps, slow readers, what a run may hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from wsgi_asgi_tour.room_messages import (
    CLOSE_BAD_JSON,
    CLOSE_BAD_MESSAGE,
    CLOSE_FORBIDDEN,
    CLOSE_FULL,
    CLOSE_SLOW,
    CLOSE_TOO_BIG,
    CLOSE_UNKNOWN,
    RoomError,
    parse_json,
)
from wsgi_asgi_tour.rooms import Caps, Member, Room, Rooms


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(seq_hint: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "run", "code": f"app = {seq_hint!r}", "scenario": {"path": "/"},
            "interface": "wsgi", "trace": {"events": [], "outcome": "ok"}, **extra}


def drain(member: Member) -> list[Any]:
    """Everything waiting in a member's outbox: decoded messages, and (code, reason) closes."""
    items: list[Any] = []
    while not member.outbox.queue.empty():
        item = member.outbox.queue.get_nowait()
        items.append(item if isinstance(item, tuple) else json.loads(item))
    return items


def teacher(rooms: Rooms, room: Room) -> Member:
    _, member = rooms.join(room.id, teacher=True)
    rooms.authenticate(room, member, room.secret)
    drain(member)
    return member


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rooms(clock: Clock) -> Rooms:
    return Rooms(Caps(rooms=3, followers=2, publishers=1, message_bytes=2048, outbox=3,
                      idle_s=100, max_age_s=1000), clock=clock)


# -- ids and secrets -------------------------------------------------------------------------

def test_room_ids_are_short_and_secrets_long_and_all_distinct() -> None:
    registry = Rooms()
    made = [registry.create() for _ in range(50)]
    assert len({r.id for r in made}) == 50
    assert len({r.secret for r in made}) == 50
    for room in made:
        assert len(room.id) == 8 and room.id.isalnum() and room.id == room.id.lower()
        assert len(room.secret) >= 43  # 32 random bytes, urlsafe base64
        assert room.secret not in repr(room)  # never in a log line by accident


def test_only_the_rooms_secret_makes_a_publisher(rooms: Rooms) -> None:
    room, other = rooms.create(), rooms.create()
    _, member = rooms.join(room.id)
    for wrong in ["", other.secret, room.secret[:-1], room.secret + "x", "\ud800"]:
        with pytest.raises(RoomError) as refused:
            rooms.authenticate(room, member, wrong)
        assert refused.value.code == CLOSE_FORBIDDEN
    assert not member.publisher
    rooms.authenticate(room, member, room.secret)
    assert member.publisher


def test_a_follower_cannot_publish_or_close(rooms: Rooms) -> None:
    room = rooms.create()
    _, follower = rooms.join(room.id)
    for act in (lambda: rooms.publish(room, follower, run()), lambda: rooms.close(room, follower)):
        with pytest.raises(RoomError) as refused:
            act()
        assert refused.value.code == CLOSE_FORBIDDEN
    assert room.last_run is None and room.id in rooms.rooms


# -- publishing and late joiners -------------------------------------------------------------

def test_a_run_reaches_every_follower_with_a_sequence_number(rooms: Rooms) -> None:
    room = rooms.create()
    followers = [rooms.join(room.id)[1] for _ in range(2)]
    hellos = [drain(f) for f in followers]
    assert [h[0]["type"] for h in hellos] == ["hello", "hello"]
    assert hellos[0][0]["seq"] == 0  # nothing run yet: the page says so
    author = teacher(rooms, room)
    rooms.publish(room, author, run("one"))
    rooms.publish(room, author, run("two", lesson="/lessons/first-wsgi-app"))
    rooms.publish(room, author, run("three", lesson="/zh/playground"))
    for follower in followers:
        got = drain(follower)
        assert [(m["type"], m["seq"]) for m in got] == [("run", 1), ("run", 2), ("run", 3)]
        assert got[1]["code"] == "app = 'two'" and got[1]["lesson"] == "/lessons/first-wsgi-app"
        assert got[1]["trace"] == {"events": [], "outcome": "ok"}
    assert drain(author) == []  # the teacher is not sent its own runs


def test_a_late_joiner_gets_the_last_run_only(rooms: Rooms) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    for name in ("one", "two", "three"):
        rooms.publish(room, author, run(name))
    _, late = rooms.join(room.id)
    hello, last = drain(late)
    assert hello["type"] == "hello" and hello["seq"] == 3
    assert last["type"] == "run" and last["seq"] == 3 and last["code"] == "app = 'three'"


def test_the_teacher_hears_the_follower_count(rooms: Rooms) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    _, one = rooms.join(room.id)
    rooms.join(room.id)
    rooms.leave(room, one)
    assert [m["count"] for m in drain(author)] == [1, 2, 1]
    assert json.loads(rooms.ready(room))["followers"] == 1


@pytest.mark.parametrize(("message", "code"), [
    ({"type": "run", "code": "x"}, CLOSE_BAD_MESSAGE),
    ({**run(), "trace": "not an object"}, CLOSE_BAD_MESSAGE),
    ({**run(), "scenario": []}, CLOSE_BAD_MESSAGE),
    ({**run(), "secret": "x"}, CLOSE_BAD_MESSAGE),
    ({**run(), "lesson": 3}, CLOSE_BAD_MESSAGE),
    ({**run(), "lesson": "//evil.example/x"}, CLOSE_BAD_MESSAGE),
    ({**run(), "lesson": "/\\evil.example"}, CLOSE_BAD_MESSAGE),
    ({**run(), "lesson": "javascript:alert(1)"}, CLOSE_BAD_MESSAGE),
    ({**run(), "lesson": "/lessons/x?<script>"}, CLOSE_BAD_MESSAGE),
    ({**run(), "type": "runs"}, CLOSE_BAD_MESSAGE),
])
def test_malformed_runs_are_refused_and_not_kept(
        rooms: Rooms, message: dict[str, Any], code: int) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    with pytest.raises(RoomError) as refused:
        rooms.publish(room, author, message)
    assert refused.value.code == code and room.last_run is None and room.seq == 0


@pytest.mark.parametrize(("text", "code"), [
    ("{", CLOSE_BAD_JSON), ("NaN", CLOSE_BAD_JSON), ('{"a": Infinity}', CLOSE_BAD_JSON),
    ("[1]", CLOSE_BAD_MESSAGE), ('"run"', CLOSE_BAD_MESSAGE), ("[" * 100_000, CLOSE_BAD_JSON),
])
def test_text_that_is_not_a_json_object_is_refused(text: str, code: int) -> None:
    with pytest.raises(RoomError) as refused:
        parse_json(text)
    assert refused.value.code == code


def test_a_message_over_the_cap_is_refused_before_parsing(rooms: Rooms) -> None:
    rooms.check_size("x" * 2048)
    for big in ("x" * 2049, "é" * 1025):  # the cap counts UTF-8 bytes, not characters
        with pytest.raises(RoomError) as refused:
            rooms.check_size(big)
        assert refused.value.code == CLOSE_TOO_BIG
        assert "2 KiB" in str(refused.value)


# -- caps ------------------------------------------------------------------------------------

def test_room_count_is_capped_until_one_expires(rooms: Rooms, clock: Clock) -> None:
    for _ in range(3):
        rooms.create()
    with pytest.raises(RoomError) as refused:
        rooms.create()
    assert refused.value.code == CLOSE_FULL and "3 rooms" in str(refused.value)
    clock.now += 101  # all idle past idle_s: swept on the next create
    rooms.create()
    assert len(rooms.rooms) == 1


def test_followers_per_room_are_capped_and_teachers_apart(rooms: Rooms) -> None:
    room = rooms.create()
    rooms.join(room.id)
    rooms.join(room.id)
    with pytest.raises(RoomError) as refused:
        rooms.join(room.id)
    assert refused.value.code == CLOSE_FULL
    # A full room still lets its teacher in: teachers have places of their own...
    author = teacher(rooms, room)
    assert author.publisher and room.followers() == 2
    # ...up to their own cap, whether they join as teachers or show the secret later.
    with pytest.raises(RoomError) as second:
        rooms.join(room.id, teacher=True)
    assert second.value.code == CLOSE_FULL
    rooms.leave(room, author)
    _, spare = rooms.join(room.id, teacher=True)
    assert spare.teacher and not spare.publisher


def test_a_follower_showing_the_secret_becomes_a_teacher(rooms: Rooms) -> None:
    room = rooms.create()
    _, member = rooms.join(room.id)
    rooms.authenticate(room, member, room.secret)
    assert member.teacher and member.publisher and room.followers() == 0
    assert [m["type"] for m in drain(member)] == ["hello", "ready", "followers"]
    _, other = rooms.join(room.id)
    with pytest.raises(RoomError) as second:  # publishers=1 in these caps
        rooms.authenticate(room, other, room.secret)
    assert second.value.code == CLOSE_FULL


def test_a_slow_follower_is_dropped_not_buffered(rooms: Rooms) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    _, slow = rooms.join(room.id)
    _, quick = rooms.join(room.id)
    drain(quick)  # slow still holds its hello: 1 of its 3 places
    for name in ("a", "b", "c", "d"):
        rooms.publish(room, author, run(name))
        drain(quick)
    items = drain(slow)
    assert [m["seq"] for m in items[1:-1]] == [1, 2]
    assert items[-1] == (CLOSE_SLOW, items[-1][1]) and "slow" in items[-1][1]
    assert slow not in room.members and quick in room.members
    assert slow.outbox.queue.qsize() == 0 and not slow.outbox.offer("late")


# -- expiry ----------------------------------------------------------------------------------

def test_an_idle_room_expires_and_its_followers_are_told(rooms: Rooms, clock: Clock) -> None:
    room = rooms.create()
    _, follower = rooms.join(room.id)
    drain(follower)
    clock.now += 99
    assert rooms.sweep() == []
    clock.now += 2
    assert rooms.sweep() == [room]
    assert drain(follower) == [(CLOSE_UNKNOWN, "the room expired")]
    with pytest.raises(RoomError) as gone:
        rooms.join(room.id)
    assert gone.value.code == CLOSE_UNKNOWN


def test_publishing_and_a_connected_teacher_keep_a_room_alive(
        rooms: Rooms, clock: Clock) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    clock.now += 500  # idle_s is 100, but the teacher is connected
    assert rooms.get(room.id) is room
    rooms.leave(room, author)
    clock.now += 99
    assert rooms.get(room.id) is room  # the idle clock restarted when the teacher left
    clock.now += 2
    with pytest.raises(RoomError):
        rooms.get(room.id)


def test_every_room_ends_at_its_maximum_age(rooms: Rooms, clock: Clock) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    for _ in range(9):
        clock.now += 100
        rooms.publish(room, author, run())
    assert rooms.get(room.id) is room
    clock.now += 100  # 1000 s since it opened: max_age_s, however busy it is
    assert rooms.sweep() == [room]
    assert drain(author)[-1][0] == CLOSE_UNKNOWN


def test_the_teacher_closing_the_room_ends_it_for_everyone(rooms: Rooms) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    _, follower = rooms.join(room.id)
    drain(author)
    rooms.close(room, author)
    assert room.id not in rooms.rooms
    assert drain(follower)[-1] == (CLOSE_UNKNOWN, "the teacher closed the room")
    assert drain(author) == [(CLOSE_UNKNOWN, "the teacher closed the room")]


def test_the_teachers_text_goes_out_as_it_came_with_its_seq(rooms: Rooms) -> None:
    room = rooms.create()
    author = teacher(rooms, room)
    _, follower = rooms.join(room.id)
    drain(follower)
    text = json.dumps(run("verbatim"), indent=1, ensure_ascii=False) + "\n "
    rooms.check_size(text)
    message = rooms.publish(room, author, parse_json(text), text)
    assert message.startswith(text.rstrip()[:-1])  # not re-encoded: no parse-and-dump cost
    assert drain(follower) == [{**run("verbatim"), "seq": 1}]
