"""``wsgi-asgi-tour lab FILE``: many requests against a server model, on simulated time.

    wsgi-asgi-tour lab app.py --requests 100 --workers 1 --threads 4
    wsgi-asgi-tour lab app.py --requests 100 --loop --pool 40 --json

Like ``run``, it runs your file in this process by default (``--isolated``: in
the site's sandbox). The model and the JSON are in docs/lab.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from typing import Any

from wsgi_asgi_tour import i18n as strings

from sandbox import i18n
from sandbox.engine import DEFAULT_TIMEOUT_S
from sandbox.lab import LabOptionsError, parse_options, run_lab
from sandbox.lab.render import render

LAB_EXAMPLES = """\
examples:
  wsgi-asgi-tour lab app.py --requests 100 --workers 1 --threads 4
  wsgi-asgi-tour lab app.py --requests 100 --loop              (an ASGI app on one event loop)
  wsgi-asgi-tour lab app.py --requests 20 --every 250 --loop --pool 4 --json

Simulated time: time.sleep and asyncio.sleep cost no real time, so 100 requests that
each sleep 1 s finish at once and give the same timeline every run.
exit status: 0 when every request was answered without an error, 1 when the lab
or a request failed, 2 when the command is wrong.
"""


def add_lab_parser(sub: Any, add_lang: Any) -> None:
    lab = sub.add_parser(
        "lab",
        help="send many requests to your app on a simulated server and draw the timeline",
        description="The concurrency lab: send many requests to the app in FILE, served by "
        "a WSGI server of worker processes x threads, or by ASGI event loops (--loop), on "
        "simulated time. Shows each request's timeline, the makespan, the throughput and "
        "latency percentiles.",
        epilog=LAB_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lab.add_argument("file", metavar="FILE", help="your Python file (- reads standard input)")
    lab.add_argument("--requests", "-n", type=int, default=100, metavar="N",
                     help="how many requests (1-1000, default: %(default)s)")
    lab.add_argument("--every", type=float, default=0.0, metavar="MS",
                     help="milliseconds between two arrivals (default: 0, all at once)")
    lab.add_argument("--workers", type=int, metavar="W",
                     help="worker processes (1-16, default: 1)")
    lab.add_argument("--threads", type=int, metavar="T",
                     help="WSGI: threads per worker (1-64, default: 1, gunicorn's)")
    lab.add_argument("--loop", action="store_true",
                     help="ASGI: serve with one event loop per worker")
    lab.add_argument("--pool", type=int, metavar="P",
                     help="with --loop: threads of each loop's pool for to_thread and "
                     "run_in_threadpool (1-64, default: 40)")
    lab.add_argument("-X", "--method", default="GET", help="HTTP method (default: GET)")
    lab.add_argument("--path", default="/", help="path and query (default: /)")
    lab.add_argument("--app", default="app",
                     help="name of the app callable in FILE (default: %(default)s)")
    lab.add_argument("--interface", choices=("auto", "wsgi", "asgi"), default="auto",
                     help="WSGI or ASGI; auto guesses from your app's signature (default)")
    lab.add_argument("--json", action="store_true", help="print the result as JSON "
                     "(docs/lab.md)")
    lab.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                     help="real seconds before a lab that never ends is stopped "
                     "(default: %(default)s)")
    lab.add_argument("--isolated", action="store_true",
                     help="run the code in the site's sandbox instead of in this process")
    add_lang(lab)


def lab_options(args: argparse.Namespace) -> dict[str, Any]:
    """The lab JSON object (docs/lab.md) the command line describes."""
    from wsgi_asgi_tour.cli import UsageError, cli_lang

    lang = cli_lang(args)
    server: dict[str, Any] | None = None
    if args.loop:
        if args.threads is not None:
            raise UsageError(strings.t("cli.lab_threads_with_loop", lang))
        server = {"model": "loop"}
        if args.pool is not None:
            server["pool"] = args.pool
    elif args.pool is not None:
        raise UsageError(strings.t("cli.lab_pool_needs_loop", lang))
    elif args.threads is not None or args.workers is not None:
        server = {"model": "threads"}
        if args.threads is not None:
            server["threads"] = args.threads
    if server is not None and args.workers is not None:
        server["workers"] = args.workers
    options: dict[str, Any] = {"requests": args.requests, "every_ms": args.every,
                               "method": args.method, "path": args.path}
    if server is not None:
        options["server"] = server
    try:
        with i18n.use_lang(lang):  # the caps' messages in the learner's language
            parse_options(options)
    except LabOptionsError as exc:
        raise UsageError(_flags(str(exc))) from None
    return options


# The JSON names in the lab's messages, as this command spells them (the Chinese
# messages keep the same quoted JSON names, so one table serves both languages).
_FLAG_NAMES = {'"requests"': "--requests", '"every_ms" (the time between two arrivals)':
               "--every (milliseconds between two arrivals)", '"every_ms"': "--every",
               '"server.workers"': "--workers", '"server.threads"': "--threads",
               '"server.pool"': "--pool", '"method"': "--method", '"path"': "--path"}


def _flags(message: str) -> str:
    for name, flag in _FLAG_NAMES.items():
        message = message.replace(name, flag)
    return message


def cmd_lab(args: argparse.Namespace) -> int:
    from wsgi_asgi_tour.cli import UsageError, _encodable, _read_source, cli_lang

    lang = cli_lang(args)
    code = _read_source(args.file, lang)
    options = lab_options(args)
    if args.timeout <= 0:
        raise UsageError(strings.t("cli.timeout_positive", lang))
    if args.isolated:
        result = asyncio.run(_isolated(code, options, args, lang))
    else:
        result = run_lab(code, options, interface=args.interface, app=args.app,
                         filename="app.py" if args.file == "-" else args.file, lang=lang,
                         timeout_s=args.timeout)
    if args.json:
        print(json.dumps(result, indent=2, allow_nan=False))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        width = shutil.get_terminal_size((100, 24)).columns
        with i18n.use_lang(lang):  # the timeline's fixed words (render.py uses tr)
            text = render(result, width=width, filename=name)
        sys.stdout.write(_encodable(text, sys.stdout))
    failed = any(r.get("error") for r in result.get("requests") or [])
    return 0 if result.get("outcome") == "ok" and not failed else 1


async def _isolated(code: str, options: dict[str, Any], args: argparse.Namespace,
                    lang: str) -> dict[str, Any]:
    from wsgi_asgi_tour.cli import cli_limits

    from sandbox.isolation.executor import Executor

    executor = Executor(cli_limits(args.timeout))
    await executor.start()
    try:
        return await executor.lab(code, options, interface=args.interface, app=args.app,
                                  lang=lang)
    finally:
        await executor.close()
