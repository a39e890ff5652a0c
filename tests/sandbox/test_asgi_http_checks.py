"""Message checks on an HTTP connection: what the server keeps, drops or refuses."""

from __future__ import annotations

from typing import Any

from sandbox import run


def respond(headers: str = "[[b'content-type', b'text/plain']]", *bodies: str) -> str:
    sends = "".join(f"    await send({b})\n" for b in bodies) or (
        "    await send({'type': 'http.response.body', 'body': b'Hello'})\n"
    )
    return (
        "async def app(scope, receive, send):\n"
        f"    await send({{'type': 'http.response.start', 'status': 200, 'headers': {headers}}})\n"
        + sends
    )


def violations(trace: dict[str, Any]) -> dict[str, str]:
    return {v["rule"]: v["message"] for v in trace["violations"]}


def test_uppercase_names_are_lowercased_on_the_wire() -> None:
    trace = run(respond("[[b'Content-Type', b'text/plain']]"), {"type": "http"})
    assert "http.header_name_uppercase" in violations(trace)
    assert ["content-type", "text/plain"] in trace["response"]["headers"]


def test_transfer_encoding_from_the_app_is_ignored() -> None:
    code = respond(
        "[[b'content-type', b'text/plain'], [b'transfer-encoding', b'gzip']]",
        "{'type': 'http.response.body', 'body': b'Hello', 'more_body': True}",
        "{'type': 'http.response.body', 'body': b''}",
    )
    trace = run(code, {"type": "http"})
    names = [k for k, v in trace["response"]["headers"] if k == "transfer-encoding"]
    assert names == ["transfer-encoding"]  # only the server's own chunked framing
    assert ["transfer-encoding", "chunked"] in trace["response"]["headers"]


def test_str_header_is_refused_like_httptools() -> None:
    trace = run(respond("[[b'content-type', 'text/plain']]"), {"type": "http"})
    assert trace["error"]["type"] == "RuntimeError"
    assert "b'text/plain'" in trace["error"]["message"]
    assert trace["response"]["status"] == 500


def test_body_longer_than_content_length_cuts_the_response() -> None:
    code = respond(
        "[[b'content-type', b'text/plain'], [b'content-length', b'3']]",
        "{'type': 'http.response.body', 'body': b'He', 'more_body': True}",
        "{'type': 'http.response.body', 'body': b'llo'}",
    )
    trace = run(code, {"type": "http"})
    assert "reached 5" in violations(trace)["http.body_longer_than_content_length"]
    resp = trace["response"]
    assert resp["complete"] is False and resp["body"] == "He"
    assert trace["error"]["message"] == "Response content longer than Content-Length"


def test_body_shorter_than_content_length() -> None:
    code = respond("[[b'content-type', b'text/plain'], [b'content-length', b'9']]")
    trace = run(code, {"type": "http"})
    assert "ended after 5" in violations(trace)["http.body_shorter_than_content_length"]
    assert trace["response"]["complete"] is False


def test_head_skips_length_checks() -> None:
    code = respond("[[b'content-type', b'text/plain'], [b'content-length', b'5']]")
    trace = run(code, {"type": "http", "method": "HEAD"})
    assert trace["violations"] == [] and trace["response"]["body"] == ""
    assert ["content-length", "5"] in trace["response"]["headers"]


def test_unknown_key_suggests_the_right_one() -> None:
    code = respond(
        "[[b'content-type', b'text/plain']]",
        "{'type': 'http.response.body', 'body': b'Hi', 'more-body': False}",
    )
    message = violations(run(code, {"type": "http"}))["http.unknown_key"]
    assert "'more-body'" in message and "Did you mean 'more_body'?" in message


def test_unknown_type_suggests_the_right_one() -> None:
    code = "async def app(scope, receive, send):\n    await send({'type': 'http.response.begin'})\n"
    message = violations(run(code, {"type": "http"}))["http.unknown_message_type"]
    assert "Did you mean 'http.response.start'?" in message


def test_many_problems_in_one_message_are_all_reported() -> None:
    code = respond(
        "[[b'Content-Type', b'text/plain'], [b'keep-alive', b'5'], [b'location', b'/a'],"
        " [b'location', b'/b']]"
    )
    found = set(violations(run(code, {"type": "http"})))
    assert {
        "http.header_name_uppercase",
        "http.header_hop_by_hop",
        "http.header_duplicate",
    } <= found


def test_connection_close_is_allowed() -> None:
    code = respond("[[b'content-type', b'text/plain'], [b'connection', b'close']]")
    assert run(code, {"type": "http"})["violations"] == []


def test_send_after_complete_uses_uvicorns_words() -> None:
    code = respond(
        "[[b'content-type', b'text/plain']]",
        "{'type': 'http.response.body', 'body': b'a'}",
        "{'type': 'http.response.body', 'body': b'b'}",
    )
    trace = run(code, {"type": "http"})
    assert trace["error"]["message"] == (
        "Unexpected ASGI message 'http.response.body' sent, after response already completed."
    )
    assert trace["response"]["body"] == "a" and trace["response"]["complete"] is True


def test_informational_status_is_refused() -> None:
    code = (
        "async def app(scope, receive, send):\n"
        "    await send({'type': 'http.response.start', 'status': 103})\n"
    )
    trace = run(code, {"type": "http"})
    assert set(violations(trace)) == {"http.status_informational"}
    assert trace["response"]["status"] == 500
