"""The trace's value encoding: lossless where it promises, always strict JSON, never slow."""

from __future__ import annotations

import base64
import json
import math
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.encoding import BYTES_LIMIT, MAX_ITEMS, TEXT_LIMIT, decode, encode, text_preview

small_bytes = st.binary(max_size=BYTES_LIMIT)
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=50) | small_bytes
finite_floats = st.floats(allow_nan=False, allow_infinity=False)

# Nested lists, dicts and tuples of the values apps really send (ASGI messages, WSGI headers).
nested = st.recursive(
    scalars | finite_floats,
    lambda children: (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def strict_json(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


@given(small_bytes)
def test_bytes_under_the_limit_round_trip(data: bytes) -> None:
    encoded = encode(data)
    assert decode(encoded) == data
    assert encoded["repr"] == repr(data)
    assert encoded["length"] == len(data)
    assert "truncated" not in encoded


@given(st.binary(min_size=BYTES_LIMIT + 1, max_size=BYTES_LIMIT * 3))
def test_big_bytes_are_summarised(data: bytes) -> None:
    encoded = encode(data)
    assert encoded["truncated"] is True
    assert encoded["length"] == len(data)
    assert base64.b64decode(encoded["$bytes"]) == data[:BYTES_LIMIT]


@given(nested)
def test_nested_values_round_trip(value: Any) -> None:
    encoded = encode(value)
    strict_json(encoded)
    assert decode(json.loads(strict_json(encoded))) == value


@given(st.dictionaries(st.sampled_from(["$bytes", "$tuple", "$float", "$x", "$$y", "a"]), scalars))
def test_dict_keys_that_look_like_tags_round_trip(value: dict[str, Any]) -> None:
    # A learner's dict may use "$bytes" as a key; it must not be mistaken for encoded bytes.
    assert decode(encode(value)) == value


@given(st.floats())
def test_every_float_is_strict_json_and_round_trips(value: float) -> None:
    encoded = encode(value)
    strict_json(encoded)
    back = decode(encoded)
    assert isinstance(back, float)
    assert (math.isnan(back) and math.isnan(value)) or back == value


class Weird:
    def __repr__(self) -> str:
        raise RuntimeError("broken repr")


arbitrary = st.recursive(
    scalars
    | st.floats()
    | st.complex_numbers()
    | st.builds(bytearray, small_bytes)
    | st.builds(object)
    | st.builds(Weird)
    | st.sets(st.integers(), max_size=3)
    | st.text(min_size=TEXT_LIMIT - 2, max_size=TEXT_LIMIT + 2),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children)
        | st.dictionaries(st.integers() | st.text(max_size=5) | st.none(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(arbitrary)
def test_encode_of_anything_is_strict_json(value: Any) -> None:
    strict_json(encode(value))


@given(st.integers(min_value=1, max_value=5))
def test_cyclic_containers_are_strict_json(width: int) -> None:
    cyclic: list[Any] = []
    cyclic.extend([cyclic] * width)
    loop: dict[str, Any] = {}
    loop["self"] = loop
    strict_json(encode(cyclic))
    strict_json(encode(loop))


def test_wide_cyclic_list_is_encoded_quickly() -> None:
    # 200 references to itself: following every path to MAX_DEPTH would be 200**12 nodes.
    cyclic: list[Any] = []
    cyclic.extend([cyclic] * MAX_ITEMS)
    started = time.perf_counter()
    out = strict_json(encode(cyclic))
    assert time.perf_counter() - started < 1.0
    assert len(out) < 1_000_000


def test_long_lists_are_cut_with_a_count() -> None:
    encoded = encode(list(range(MAX_ITEMS + 7)))
    assert encoded[-1] == {"$more": 7}


def test_text_preview_marks_what_it_cut() -> None:
    assert text_preview(b"abc", 2) == "ab\u2026 [1 more bytes]"
    assert text_preview(b"\xff") == "\ufffd"
