"""The lab result as text for a terminal: a timeline with one row per request, then
the figures and the notes (``wsgi-asgi-tour lab FILE``).

Every fixed word goes through ``tr`` (sandbox.i18n), so the caller picks the
language with ``use_lang``. Chinese characters take two terminal columns, so the
columns are padded by display width, never by ``len``.
"""

from __future__ import annotations

import math
from typing import Any

from sandbox.i18n import tr
from sandbox.render_wrap import width as display_width

GLYPHS = {"queued": ".", "running": "#", "waiting": "-", "blocked": "~"}
MAX_ROWS = 40
MAX_PRINTED = 20
MIN_BAR = 20
LATENCY_COLUMN = 10


def render(result: dict[str, Any], *, width: int = 100, filename: str = "app.py") -> str:
    lines = [_title(result, filename)]
    error = result.get("error")
    requests = result.get("requests") or []
    if requests:
        lines += _timeline(requests, float(result.get("makespan_ms") or 0.0), width)
        lines.append("")
        lines += _figures(result)
    notes = result.get("notes") or []
    if notes:
        lines.append("")
        lines += [f"* {note}" for note in notes]
    if error:
        lines.append("")
        lines.append(f"{error.get('type', 'Error')}: {error.get('message', '')}")
        tb = str(error.get("traceback") or "")
        if tb and tb.strip() != str(error.get("message", "")).strip():
            lines.append(tb.rstrip())
    printed = str(result.get("stdout") or "")
    if printed:
        lines.append("")
        lines += _printed(printed.splitlines())
    lines.append("")
    lines.append(tr("outcome: {outcome}  (real time {real})", outcome=result.get("outcome"),
                    real=_ms(result.get("real_ms", 0))))
    return "\n".join(lines) + "\n"


def _title(result: dict[str, Any], filename: str) -> str:
    server = result.get("server") or {}
    kind = str(result.get("interface") or "?").upper()
    if server.get("model") == "threads":
        model = tr("{workers} worker process(es) x {threads} thread(s)",
                   workers=server["workers"], threads=server["threads"])
    elif server.get("model") == "loop":
        model = tr("{workers} event loop(s), a pool of {pool} thread(s) each",
                   workers=server["workers"], pool=server["pool"])
    else:
        model = tr("no server model")
    return tr("Concurrency lab: {file} ({interface}), {count} requests, {model}",
              file=filename, interface=kind, count=result.get("requests_n"), model=model)


def _timeline(requests: list[dict[str, Any]], makespan: float, width: int) -> list[str]:
    bar = max(MIN_BAR, width - 40)
    end = max([makespan] + [float(r["end_ms"] or 0) for r in requests]) or 1.0
    scale = bar / end
    zero, last_ms = _ms(0), _ms(end)
    gap = " " * max(1, bar - display_width(zero) - display_width(last_ms))
    lines = [f"{'':>5} {'':<7} {zero}{gap}{last_ms}"]
    for req in requests[:MAX_ROWS]:
        cells = [" "] * bar
        for span in req["spans"]:
            first = min(bar - 1, math.floor(span["start_ms"] * scale))
            last = max(first + 1, math.ceil(span["end_ms"] * scale))
            for col in range(first, min(bar, last)):
                cells[col] = GLYPHS.get(span["state"], "?")
        where = f"w{req['worker']}" + (f" t{req['thread']}" if req.get("thread") is not None
                                       else "")
        latency = tr("unfinished") if req["latency_ms"] is None else _ms(req["latency_ms"])
        status = "" if req["status"] is None else str(req["status"])
        lines.append(f"#{req['index']:<4} {where:<7} |{''.join(cells)}| "
                     f"{rjust(latency, LATENCY_COLUMN)} {status}")
    if len(requests) > MAX_ROWS:
        lines.append(tr("... {count} more request(s) (--json shows all)",
                        count=len(requests) - MAX_ROWS))
    label = tr("legend:")
    indent = " " * (display_width(label) + 1)
    lines.append(label + " " + tr(
        ". queued   # running   - waiting (await, or a sleep in its own thread)"))
    lines.append(indent + tr("~ blocked (ready to run, but the loop or the GIL is busy)"))
    return lines


def _figures(result: dict[str, Any]) -> list[str]:
    def show(key: str, rate: bool = False) -> str:
        value = result.get(key)
        if value is None:
            return "-"
        return tr("{value} req/s", value=f"{value:g}") if rate else _ms(value)

    return [
        tr("makespan {makespan}   throughput {throughput}   max in flight {in_flight}",
           makespan=show("makespan_ms"), throughput=show("throughput_rps", rate=True),
           in_flight=result.get("max_in_flight")),
        tr("latency p50 {p50}   p99 {p99}   mean {mean}   (simulated time)",
           p50=show("p50_ms"), p99=show("p99_ms"), mean=show("mean_ms")),
    ]


def _printed(shown: list[str]) -> list[str]:
    if len(shown) == 1:
        head = tr("Printed by your code (1 line):")
    elif len(shown) <= MAX_PRINTED:
        head = tr("Printed by your code ({count} lines):", count=len(shown))
    else:
        head = tr("Printed by your code ({count} lines, the first {shown}):",
                  count=len(shown), shown=MAX_PRINTED)
    return [head] + [f"  {line}" for line in shown[:MAX_PRINTED]]


def _ms(value: float) -> str:
    return tr("{value} ms", value=f"{value:g}")


def rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (``str.rjust`` counts CJK as one)."""
    return " " * max(0, width - display_width(text)) + text
