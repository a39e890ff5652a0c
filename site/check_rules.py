"""The check kinds: for each, a validator of its argument and an evaluator on a trace.

An evaluator returns an ``Outcome``: passed or not, the catalog key of its
message (``check.<key>_pass`` / ``_fail``) and the values to put in it, quoted
so a learner sees exactly what their app sent. ``key=None`` means the trace has
no response to look at. Add a kind by adding both functions and its messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning")
MAX_SHOWN = 160  # characters of a learner's value quoted back in a message


@dataclass(frozen=True)
class Outcome:
    passed: bool
    key: str | None
    params: dict[str, Any] = field(default_factory=dict)


def show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…\""


def _response(trace: Mapping[str, Any], request: int | None) -> Mapping[str, Any] | None:
    if request is None:
        response: Any = trace.get("response")
    else:
        responses = trace.get("responses") or []
        response = responses[request] if request < len(responses) else None
    return response if isinstance(response, dict) else None


def labels(event: Mapping[str, Any]) -> set[str]:
    """The names a `sequence` or `event_count` item may use for an event: its kind, the
    ASGI message type of a send/receive, `client.<action>` and `wire.<what>`."""
    kind = str(event.get("kind"))
    raw = event.get("data")
    data: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    names = {kind}
    if kind in ("send", "receive") and isinstance(data.get("type"), str):
        names.add(data["type"])
    if kind == "client" and isinstance(data.get("action"), str):
        names.add(f"client.{data['action']}")
    if kind == "wire" and isinstance(data.get("what"), str):
        names.add(f"wire.{data['what']}")
    return names


def _events(trace: Mapping[str, Any], request: int | None) -> list[Mapping[str, Any]]:
    events: list[Mapping[str, Any]] = [e for e in trace.get("events") or []
                                       if isinstance(e, dict)]
    return events if request is None else [e for e in events if e.get("request") == request]


# ---- validators: return a problem in words, or None --------------------------------------

def _is_text(v: Any) -> str | None:
    return None if isinstance(v, str) else f"expected text, got {v!r}"


def _v_status(v: Any) -> str | None:
    return None if type(v) is int and 100 <= v <= 999 else f"expected a status code, got {v!r}"


def _v_header(v: Any) -> str | None:
    if not isinstance(v, dict) or not isinstance(v.get("name"), str):
        return "expected {name: ..., equals|contains: ...} or {name: ..., absent: true}"
    tests = [k for k in v if k != "name"]
    if tests not in ([], ["equals"], ["contains"], ["absent"]):
        return f"use one of equals, contains, absent (got {tests})"
    if tests and tests[0] != "absent" and not isinstance(v[tests[0]], str):
        return f"'{tests[0]}' must be text"
    return None


def _v_names(v: Any) -> str | None:
    ok = isinstance(v, list) and v and all(isinstance(x, str) for x in v)
    return None if ok else "expected a list of event kinds or message types"


def _v_severity(v: Any) -> str | None:
    return None if v in (*SEVERITIES, True) else "expected 'error' or 'warning'"


def _v_count(v: Any) -> str | None:
    if not isinstance(v, dict) or not isinstance(v.get("of"), str):
        return "expected {of: <kind or type>, equals|min|max: N}"
    bounds = [k for k in v if k != "of"]
    if not bounds or any(k not in ("equals", "min", "max") or type(v[k]) is not int
                         for k in bounds):
        return "give equals, min and/or max as whole numbers"
    return None


def _v_texts(v: Any) -> str | None:
    ok = isinstance(v, list) and all(isinstance(x, str) for x in v)
    return None if ok else "expected a list of the texts the client receives"


def _v_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "expected true or false"


def _v_close(v: Any) -> str | None:
    if isinstance(v, dict):
        if set(v) - {"code", "by"} or v.get("by", "server") not in ("server", "client"):
            return "expected a code or {code: N, by: server|client}"
        v = v.get("code")
    return None if type(v) is int and 1000 <= v <= 4999 else "expected a close code (1000-4999)"


# ---- evaluators -----------------------------------------------------------------------------

Evaluator = Callable[[Any, Mapping[str, Any], int | None], Outcome]


def _e_outcome(v: Any, trace: Mapping[str, Any], _: int | None) -> Outcome:
    actual = trace.get("outcome")
    return Outcome(actual == v, "outcome", {"expected": v, "actual": actual})


def _e_status(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    response = _response(trace, request)
    if response is None:
        return Outcome(False, None)
    return Outcome(response.get("status") == v, "status",
                   {"expected": v, "actual": response.get("status")})


def _e_header(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    response = _response(trace, request)
    if response is None:
        return Outcome(False, None)
    name = v["name"].lower()
    values = [str(val) for n, val in response.get("headers") or [] if str(n).lower() == name]
    actual = ", ".join(values)
    params = {"name": v["name"], "actual": actual}
    if v.get("absent"):
        return Outcome(not values, "header_absent", params)
    if "equals" in v:
        return Outcome(v["equals"] in values, "header_equals",
                       {**params, "expected": v["equals"]})
    if "contains" in v:
        if not values:
            return Outcome(False, "header_present", params)
        found = any(v["contains"].lower() in val.lower() for val in values)
        return Outcome(found, "header_contains", {**params, "expected": v["contains"]})
    return Outcome(bool(values), "header_present", params)


def _body(key: str, test: Callable[[str, str], bool]) -> Evaluator:
    def evaluate(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
        response = _response(trace, request)
        if response is None:
            return Outcome(False, None)
        body = str(response.get("body", ""))
        return Outcome(test(v, body), key, {"expected": show(v), "actual": show(body)})
    return evaluate


def _e_sequence(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    events = _events(trace, request)
    position = 0
    for wanted in v:
        while position < len(events) and wanted not in labels(events[position]):
            position += 1
        if position == len(events):
            actual = [_main_label(e) for e in events]
            return Outcome(False, "sequence", {"expected": ", ".join(v), "missing": wanted,
                                                "actual": ", ".join(actual) or "nothing"})
        position += 1
    return Outcome(True, "sequence", {"expected": ", ".join(v)})


def _main_label(event: Mapping[str, Any]) -> str:
    names = labels(event) - {event.get("kind")}
    return min(names) if names else str(event.get("kind"))


def _e_no_violations(v: Any, trace: Mapping[str, Any], _: int | None) -> Outcome:
    found = [x for x in trace.get("violations") or []
             if v != "error" or x.get("severity") == "error"]
    rules = ", ".join(sorted({str(x.get("rule")) for x in found}))
    key = "no_errors" if v == "error" else "no_violations"
    return Outcome(not found, key, {"count": len(found), "rules": rules})


def _e_violation(v: Any, trace: Mapping[str, Any], _: int | None) -> Outcome:
    found = any(x.get("rule") == v for x in trace.get("violations") or [])
    return Outcome(found, "violation", {"expected": v})


def _e_event_count(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    actual = sum(v["of"] in labels(e) for e in _events(trace, request))
    ok = (actual == v.get("equals", actual) and actual >= v.get("min", actual)
          and actual <= v.get("max", actual))
    words = [f"{k} {v[k]}" for k in ("equals", "min", "max") if k in v]
    return Outcome(ok, "event_count", {"of": v["of"], "expected": ", ".join(words),
                                       "actual": actual})


def _e_stdout(v: Any, trace: Mapping[str, Any], _: int | None) -> Outcome:
    out = str(trace.get("stdout", ""))
    return Outcome(v in out, "stdout_contains", {"expected": show(v), "actual": show(out)})


def _e_ws_accepted(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    response = _response(trace, request)
    if response is None:
        return Outcome(False, None)
    accepted = bool(response.get("accepted"))
    actual = f"{response.get('status')} {response.get('reason', '')}".strip()
    return Outcome(accepted == v, "ws_accepted" if v else "ws_denied", {"actual": actual})


def _message_text(message: Mapping[str, Any]) -> str:
    if "text" in message:
        return str(message["text"])
    data = message.get("bytes")
    return str(data.get("repr")) if isinstance(data, dict) else str(data)


def _e_ws_received(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    response = _response(trace, request)
    if response is None:
        return Outcome(False, None)
    got = [_message_text(m) for m in response.get("messages") or [] if m.get("from") == "server"]
    return Outcome(got == v, "ws_received", {"expected": show(v), "actual": show(got)})


def _e_ws_close(v: Any, trace: Mapping[str, Any], request: int | None) -> Outcome:
    response = _response(trace, request)
    if response is None:
        return Outcome(False, None)
    want = v if isinstance(v, dict) else {"code": v}
    close = response.get("close")
    code = close.get("code") if isinstance(close, dict) else None
    if code is None:
        return Outcome(False, "ws_open", {"expected": want["code"]})
    by = close.get("by") if isinstance(close, dict) else None
    params = {"expected": want["code"], "actual": code, "by": by, "expected_by": want.get("by")}
    if "by" in want and by != want["by"]:
        return Outcome(False, "ws_close_by", params)
    return Outcome(code == want["code"], "ws_close", params)


VALIDATORS: dict[str, Callable[[Any], str | None]] = {
    "outcome": _is_text, "status": _v_status, "header": _v_header,
    "body_equals": _is_text, "body_contains": _is_text, "sequence": _v_names,
    "no_violations": _v_severity, "violation": _is_text, "event_count": _v_count,
    "stdout_contains": _is_text, "ws_accepted": _v_bool, "ws_received": _v_texts,
    "ws_close": _v_close,
}
EVALUATORS: dict[str, Evaluator] = {
    "outcome": _e_outcome, "status": _e_status, "header": _e_header,
    "body_equals": _body("body_equals", lambda want, body: body == want),
    "body_contains": _body("body_contains", lambda want, body: want in body),
    "sequence": _e_sequence, "no_violations": _e_no_violations, "violation": _e_violation,
    "event_count": _e_event_count, "stdout_contains": _e_stdout,
    "ws_accepted": _e_ws_accepted, "ws_received": _e_ws_received, "ws_close": _e_ws_close,
}
