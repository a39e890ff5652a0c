"""The lab's options: defaults, every cap, and messages a learner can act on."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.lab.options import LabOptionsError, Server, parse_options


def test_defaults() -> None:
    opts = parse_options({})
    assert (opts.requests, opts.every_ms, opts.method, opts.path) == (100, 0.0, "GET", "/")
    assert opts.server is None
    assert parse_options(None).requests == 100


def test_servers_fill_their_defaults() -> None:
    assert parse_options({"server": {"model": "threads"}}).server == Server("threads", 1, 1)
    loop = parse_options({"server": {"model": "loop", "workers": 2}}).server
    assert loop is not None and loop.as_json() == {"model": "loop", "workers": 2, "pool": 40}


def test_arrivals_are_spaced_by_every_ms() -> None:
    opts = parse_options({"requests": 3, "every_ms": 2.5, "method": "post", "path": "/a?b=1"})
    assert [opts.arrival_ns(i) for i in range(3)] == [0, 2_500_000, 5_000_000]
    assert opts.method == "POST"


@pytest.mark.parametrize(("raw", "words"), [
    ({"requests": 0}, '"requests" must be a whole number from 1 to 1000'),
    ({"requests": 1001}, "from 1 to 1000"),
    ({"requests": 1.5}, "whole number"),
    ({"requests": True}, "whole number"),
    ({"every_ms": -1}, "from 0 to 60000"),
    ({"every_ms": 60001}, "from 0 to 60000"),
    ({"server": {"model": "threads", "workers": 17}}, '"server.workers"'),
    ({"server": {"model": "threads", "threads": 65}}, "from 1 to 64"),
    ({"server": {"model": "loop", "pool": 0}}, '"server.pool"'),
    ({"server": {"model": "threads", "pool": 4}}, "Unknown key in a \"threads\" server: 'pool'"),
    ({"server": {"model": "loop", "threads": 4}}, "'threads'"),
    ({"server": {"model": "gevent"}}, '"server.model" must be "threads"'),
    ({"server": "threads"}, '"server" must be an object'),
    ({"method": "GE T"}, '"method" must be an HTTP method'),
    ({"path": "hello"}, '"path" must start with "/"'),
    ({"path": "/caf\u00e9"}, "printable ASCII"),
    ({"path": "/" + "a" * 2000}, "at most 2000"),
    ({"speed": 2}, "Unknown key in the lab: 'speed'"),
    ([], '"lab" must be an object'),
])
def test_caps_and_shapes(raw: Any, words: str) -> None:
    with pytest.raises(LabOptionsError) as info:
        parse_options(raw)
    assert words in str(info.value)


def test_the_caps_themselves_are_allowed() -> None:
    opts = parse_options({"requests": 1000, "every_ms": 60000,
                          "server": {"model": "threads", "workers": 16, "threads": 64}})
    assert opts.requests == 1000
    assert parse_options({"server": {"model": "loop", "workers": 16, "pool": 64}}).server
