"""The trace as a message-flow diagram for a terminal (``wsgi-asgi-tour run``).

Three lanes, client, server and app, and one arrow per event, labelled with
the event kind; beside it the message type and its key fields. A violation is
printed in red (yellow for a warning) right under the arrow it is about, with
what happened, why the spec forbids it, how to fix it, and the spec link.
Then the response as raw HTTP, what the app printed, the error with the
learner's line, and a one-line verdict.

    client          server          app
      │               │ ── call ──────▶ │  scope  http GET /hello
      │               │ ◀─ send ─────── │  http.response.start  status=200 ...

It lives in ``sandbox`` (not the web app) so ``run`` works without the web
stack installed; it reads only the trace JSON, so it renders a trace from
any source (in-process engine, isolated child, a saved ``--json`` file).
"""

from __future__ import annotations

from typing import Any

from sandbox.i18n import tr
from sandbox.render_colors import PLAIN, UNICODE, Glyphs, Palette, Style, clean
from sandbox.render_sections import error, exit_code, normalize, printed, responses, verdict
from sandbox.render_summary import DIRECTION, summarize
from sandbox.render_wrap import wrap

__all__ = ["exit_code", "render"]

LANES = ("client", "server", "app")
GAP = 20  # columns between two lanes
SEQ_WIDTH = 5


def render(
    trace: dict[str, Any],
    *,
    palette: Palette = PLAIN,
    glyphs: Glyphs = UNICODE,
    width: int = 100,
    filename: str = "app.py",
) -> str:
    """The whole report for one trace, ending with a newline."""
    st = Style(palette, glyphs, max(width, 60), filename)
    trace = normalize(trace)
    _diagram(trace, st)
    responses(trace, st)
    printed(trace, st)
    error(trace, st)
    verdict(trace, st)
    return "\n".join(st.lines) + "\n"


def _diagram(trace: dict[str, Any], st: Style) -> None:
    events = [e for e in trace.get("events") or [] if isinstance(e, dict)]
    by_event: dict[Any, list[dict[str, Any]]] = {}
    for v in trace.get("violations") or []:
        by_event.setdefault(v.get("event"), []).append(v)
    seqs = {e.get("seq") for e in events}
    iface = trace.get("interface") or "?"
    st.add(tr("{interface} message flow", interface=iface.upper()), "bold")
    st.add(" " * SEQ_WIDTH + _lane_header(st), "bold")
    # Separate the requests (and lifespan, whose events belong to no request) when
    # there is more than one part; a single request needs no heading.
    several = len({e.get("request") for e in events}) > 1
    outside = "server"
    if any(e["kind"] == "call" and _scope_type(e) == "lifespan" for e in events):
        outside = "lifespan"
    current: Any = object()
    for ev in events:
        if several and ev.get("request") != current:
            current = ev.get("request")
            label = (
                outside if not isinstance(current, int) else tr("request {n}", n=current + 1)
            )
            st.add(f"{st.glyphs.rule * 3} {label} {st.glyphs.rule * 3}", "dim")
        st.lines.append(_event_line(ev, st))  # painted already; its parts are cleaned
        for v in by_event.get(ev.get("seq"), []):
            _violation(v, st)
    loose = [v for key, vs in by_event.items() if key not in seqs for v in vs]
    if loose:
        st.add()
        st.add(tr("Problems found after the last message:"), "bold")
        for v in loose:
            _violation(v, st)
    if not events:
        st.add("  " + tr("(no messages: the app was never called)"), "dim")


def _scope_type(ev: dict[str, Any]) -> Any:
    data = ev.get("data")
    return data.get("type") if isinstance(data, dict) else None


def _lane_header(st: Style) -> str:
    row = [" "] * (GAP * 2 + 12)
    for i, name in enumerate(LANES):
        start = max(i * GAP - len(name) // 2, 0)
        row[start : start + len(name)] = name
    return "".join(row).rstrip()


def _event_line(ev: dict[str, Any], st: Style) -> str:
    g, pal = st.glyphs, st.palette
    kind = str(ev.get("kind", "?"))
    label, details = summarize(ev)
    row = [" "] * (GAP * 2 + 1)
    for i in range(3):
        row[i * GAP] = g.lane
    ends = DIRECTION.get(kind)
    role = "dim"
    if ends is None:  # a note, or a kind this renderer does not know: text on the server lane
        row[GAP] = g.bullet
        details = f"{label}: {details}" if label != "note" else details
    else:
        start, stop = (LANES.index(ends[0]) * GAP, LANES.index(ends[1]) * GAP)
        lo, hi = min(start, stop), max(start, stop)
        for x in range(lo + 1, hi):
            row[x] = g.line
        text = f" {clean(label)} "[: hi - lo - 4]
        offset = lo + (3 if start > stop else 2)
        row[offset : offset + len(text)] = text
        if start < stop:
            row[hi - 1] = g.right
        else:
            row[lo + 1] = g.left
        role = ends[0]
    if kind == "raise":
        role = "error"
    seq = f"{ev.get('seq', '')}".rjust(SEQ_WIDTH - 2) + "  "
    room = max(st.width - SEQ_WIDTH - len(row) - 2, 20)
    details = clean(details).replace("\n", " ")
    more: list[str] = []
    if ends is None:  # notes explain; wrap them rather than cut them
        details, *more = wrap(details, room, break_on_hyphens=True, break_long_words=True) or [""]
    elif len(details) > room:
        details = details[: room - 1] + g.ellipsis
    line = ev.get("line")
    where = ""
    if isinstance(line, int):
        where = pal.paint("dim", f"  {g.left} " + tr("line {line}", line=line))
    out = pal.paint("dim", seq) + pal.paint(role, "".join(row)) + "  " + details + where
    lanes = "".join(g.lane if x % GAP == 0 else " " for x in range(len(row)))
    for text in more:
        out += "\n" + " " * SEQ_WIDTH + pal.paint("dim", lanes) + "  " + text
    return out


def _violation(v: dict[str, Any], st: Style) -> None:
    role = "error" if v.get("severity") == "error" else "warning"
    indent = " " * (SEQ_WIDTH + 2)
    head = f"{st.glyphs.cross} {v.get('severity', '?')} {v.get('rule', '?')}: {v.get('title', '')}"
    st.add(indent + head, role)
    if v.get("repeats"):
        st.add(indent + "  " + tr("(and {n} more times)", n=v["repeats"]), role)
    parts = [("", "message"), (tr("Why: "), "why"), (tr("Fix: "), "fix"), (tr("Spec: "), "spec")]
    rule = str(v.get("rule"))
    if rule in st.explained:  # the same rule broken again: what happened is enough
        parts = [("", "message")]
    st.explained.add(rule)
    for label, key in parts:
        text = clean(str(v.get(key) or "")).strip()
        if not text:
            continue
        if key == "spec":  # a link is never wrapped: terminals make it clickable whole
            st.add(f"{indent}  {label}{text}")
            continue
        wrapped = wrap(
            label + text,
            max(st.width - len(indent) - 2, 30),
            initial_indent=indent + "  ",
            subsequent_indent=indent + "    ",
            break_on_hyphens=False,
            break_long_words=False,
        )
        for row in wrapped:
            st.add(row, role if key == "message" else "")
