"""The lab's text output: a row per request (40 at most), the figures, the notes."""

from __future__ import annotations

from sandbox.lab import run_lab
from sandbox.lab.render import render
from tests.sandbox.lab.apps import ASGI_BLOCKING, LOOP, THREADS_4, WSGI_SLEEP


def test_rows_figures_and_notes() -> None:
    text = render(run_lab(WSGI_SLEEP, {"requests": 8, "server": THREADS_4}), width=80,
                  filename="slow.py")
    lines = text.splitlines()
    assert lines[0] == ("Concurrency lab: slow.py (WSGI), 8 requests, 1 worker process(es) x "
                        "4 thread(s)")
    rows = [line for line in lines if line.startswith("#")]
    assert len(rows) == 8
    assert rows[0].startswith("#0    w0 t0   |--------------------") and rows[0].endswith(
        "1000 ms 200")
    assert rows[7].startswith("#7    w0 t3   |....................--------------------|")
    assert "makespan 2000 ms   throughput 4 req/s   max in flight 4" in text
    assert "* All 4 thread(s)" in text
    assert text.rstrip().splitlines()[-1].startswith("outcome: ok")


def test_long_labs_show_40_rows() -> None:
    text = render(run_lab(ASGI_BLOCKING, {"requests": 45, "server": LOOP}))
    assert sum(1 for line in text.splitlines() if line.startswith("#")) == 40
    assert "... 5 more request(s) (--json shows all)" in text
    assert "blocked the event loop 45 time(s)" in text


def test_errors_are_shown() -> None:
    text = render(run_lab(WSGI_SLEEP, {"server": LOOP}))
    assert "LabError: Your app is a WSGI app" in text
    assert "outcome: error" in text
