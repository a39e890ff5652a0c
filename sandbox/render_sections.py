"""The parts of the terminal report after the diagram: response, output, error, verdict.

``render_text`` draws the message flow; this module prints what the client
finally received (raw HTTP, or the WebSocket session), what the code printed,
the error with the learner's line, and the one-line verdict. ``normalize``
makes any trace-shaped JSON safe to draw: a trace may come from an isolated
child, a crash report or a saved file, and the report must never fail on it.
"""

from __future__ import annotations

from typing import Any

from sandbox.i18n import tr
from sandbox.render_colors import Style, clean
from sandbox.render_summary import show
from sandbox.render_wrap import wrap


def responses(trace: dict[str, Any], st: Style) -> None:
    responses = trace.get("responses") or []
    if not responses and trace.get("response") is not None:
        responses = [trace["response"]]
    for i, resp in enumerate(responses):
        st.add()
        title = tr("Response") if len(responses) == 1 else tr("Response to request {n}", n=i + 1)
        what = (
            tr("WebSocket handshake and session")
            if resp_type(resp) == "websocket"
            else tr("as sent on the wire")
        )
        st.add(tr("{title} ({what})", title=title, what=what), "bold")
        if resp is None:
            st.add("  " + tr("(nothing reached the client)"), "dim")
            continue
        if not isinstance(resp, dict):
            st.add("  " + show(resp))
            continue
        if isinstance(resp.get("wire"), str):
            for row in clean(resp["wire"]).rstrip("\n").split("\n"):
                st.add("  " + row)
        else:  # e.g. a WebSocket session summary: show its fields
            for key, value in resp.items():
                st.add(f"  {key}: {clean(show(value, st.width))}")
        if resp.get("type") == "websocket":
            _websocket_session(resp, st)
        if resp.get("body_truncated"):
            st.add(
                "  "
                + tr(
                    "({n} body bytes in all; the trace keeps the start)",
                    n=resp.get("body_length"),
                ),
                "dim",
            )
        if resp.get("head_dropped_bytes"):
            st.add(
                "  "
                + tr(
                    "(HEAD: {n} body bytes were dropped on the wire)",
                    n=resp["head_dropped_bytes"],
                ),
                "dim",
            )
        if resp.get("complete") is False:
            st.add(
                "  " + tr("(the response never completed: the connection was dropped)"),
                "warning",
            )


def _websocket_session(resp: dict[str, Any], st: Style) -> None:
    """After the handshake: the messages each way and how the connection closed."""
    messages = resp.get("messages")
    messages = messages if isinstance(messages, list) else []
    if messages:
        st.add("  " + tr("Messages after the handshake:"), "dim")
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        arrow = (
            f"client {st.glyphs.right} app"
            if msg.get("from") == "client"
            else f"app {st.glyphs.right} client"
        )
        data = {k: v for k, v in msg.items() if k != "from"}
        shown = "  ".join(f"{k}={show(v)}" for k, v in data.items())
        st.add(f"    {arrow}: {clean(shown)}")
    close = resp.get("close")
    if isinstance(close, dict):
        reason = f" reason={show(close.get('reason'))}" if close.get("reason") else ""
        by = close.get("by", "?")
        who = tr("client") if by == "client" else tr("app") if by == "app" else str(by)
        params = {"by": who, "code": close.get("code"), "reason": reason}
        if close.get("clean"):
            text = tr("Closed by the {by} cleanly: code {code}{reason}", **params)
        else:
            text = tr("Closed by the {by} without a clean close: code {code}{reason}", **params)
        st.add("  " + text, "dim")


def printed(trace: dict[str, Any], st: Style) -> None:
    text = trace.get("stdout") or ""
    if not text:
        return
    st.add()
    st.add(tr("Printed by your code"), "bold")
    for row in clean(text).rstrip("\n").split("\n"):
        st.add("  " + row)


def error(trace: dict[str, Any], st: Style) -> None:
    error = trace.get("error")
    if not isinstance(error, dict):
        return
    st.add()
    st.add(tr("Error: {type}", type=error.get("type", "Error")), "error")
    text = str(error.get("traceback") or error.get("message") or "")
    # The engine names the file app.py; say what the learner called it.
    text = text.replace('File "app.py"', f'File "{st.filename}"')
    for row in clean(text).rstrip("\n").split("\n"):
        if error.get("traceback"):  # code and tracebacks keep their lines
            st.add("  " + row, "error")
            continue
        for part in wrap(row, max(st.width - 2, 40), break_on_hyphens=True,
                         break_long_words=True) or [""]:  # prose is wrapped
            st.add("  " + part, "error")
    if isinstance(error.get("line"), int):
        where = tr("line {line} of {file}", line=error["line"], file=st.filename)
        st.add(f"  {st.glyphs.left} {where}", "bold")


def verdict(trace: dict[str, Any], st: Style) -> None:
    violations = trace.get("violations") or []
    errors = sum(1 for v in violations if v.get("severity") == "error")
    warnings = len(violations) - errors
    outcome = str(trace.get("outcome", "?"))
    good = outcome == "ok" and errors == 0
    counts = tr(
        "{errors} spec {errors_word}, {warnings} {warnings_word}",
        errors=errors,
        errors_word=tr("error") if errors == 1 else tr("errors"),
        warnings=warnings,
        warnings_word=tr("warning") if warnings == 1 else tr("warnings"),
    )
    ms = trace.get("duration_ms")
    took = tr(", {ms} ms", ms=f"{ms:.2f}") if isinstance(ms, int | float) else ""
    st.add()
    st.add(tr("outcome: {outcome} ({counts}{took})", outcome=outcome, counts=counts, took=took),
           "ok" if good else "error")


def exit_code(trace: dict[str, Any]) -> int:
    """0 when the run ended normally with no error-severity violation, else 1."""
    trace = normalize(trace)
    if trace.get("outcome") != "ok":
        return 1
    return int(any(v.get("severity") == "error" for v in trace.get("violations") or []))


def resp_type(resp: Any) -> str:
    return str(resp.get("type", "http")) if isinstance(resp, dict) else "http"


TEXT_KEYS = ("rule", "severity", "title", "message", "why", "fix", "spec")


def normalize(trace: Any) -> dict[str, Any]:
    """``trace`` with every key the report reads in the type the contract gives it."""
    raw: dict[str, Any] = trace if isinstance(trace, dict) else {}
    events = []
    for e in _items(raw.get("events")):
        if isinstance(e, dict):
            ev = {k: v for k, v in e.items() if k not in ("seq", "request", "line") or _is_int(v)}
            ev["kind"] = e.get("kind") if isinstance(e.get("kind"), str) else "?"
            events.append(ev)
    violations = []
    for v in _items(raw.get("violations")):
        if isinstance(v, dict):
            out: dict[str, Any] = {k: _text(v.get(k)) for k in TEXT_KEYS}
            out["event"] = v.get("event") if _is_int(v.get("event")) else None
            if _is_int(v.get("repeats")):
                out["repeats"] = v["repeats"]
            violations.append(out)
    responses = [
        r if isinstance(r, dict) or r is None else {"value": r}
        for r in _items(raw.get("responses"))
    ]
    ms = raw.get("duration_ms")
    return {
        **raw,
        "interface": raw.get("interface") if isinstance(raw.get("interface"), str) else None,
        "outcome": _text(raw.get("outcome")) or "?",
        "events": events,
        "violations": violations,
        "responses": responses,
        "response": raw.get("response") if isinstance(raw.get("response"), dict) else None,
        "error": raw.get("error") if isinstance(raw.get("error"), dict) else None,
        "stdout": raw.get("stdout") if isinstance(raw.get("stdout"), str) else "",
        "duration_ms": ms if isinstance(ms, int | float) and not isinstance(ms, bool) else None,
    }


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else show(value)
