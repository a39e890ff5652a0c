"""The command line's arguments and help texts, written for learners (``wsgi-asgi-tour -h``)."""

from __future__ import annotations

import argparse

from wsgi_asgi_tour import __version__
from wsgi_asgi_tour.cli_lab import add_lab_parser

from sandbox.engine import DEFAULT_TIMEOUT_S
from sandbox.i18n import LANGS

RUN_EXAMPLES = """\
examples:
  wsgi-asgi-tour run app.py --path '/hello?name=Ada'
  wsgi-asgi-tour run app.py -X POST -H 'Content-Type: application/json' --data '{"a": 1}'
  wsgi-asgi-tour run app.py --websocket --send hi --send bye   (then the client closes)
  wsgi-asgi-tour run app.py --lifespan --json > trace.json
  wsgi-asgi-tour run app.py --scenario two-requests.json

exit status: 0 when the app ran and broke no rule of severity error,
1 when it failed or broke one, 2 when the command or the scenario is wrong.
"""


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="language of the explanations: en (English) or zh (简体中文); default: "
        "from LC_ALL / LC_MESSAGES / LANG (zh_CN.UTF-8 gives zh), else en",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wsgi-asgi-tour",
        description="An interactive tour of WSGI and ASGI. With no command, starts the "
        "tour in your browser (the same as `wsgi-asgi-tour serve`).",
    )
    parser.add_argument("--version", action="version", version=f"wsgi-asgi-tour {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="start the tour's web site (the default command)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    serve.add_argument(
        "--hosted",
        action="store_true",
        help="serve other people (a class): refuses to start unless the strong "
        "sandbox protections work",
    )
    serve.add_argument(
        "--get",
        metavar="PATH",
        help="print the response for PATH and exit, without starting a server",
    )

    run = sub.add_parser(
        "run",
        help="run your app file against a simulated server and show every message",
        description="Run the app in FILE against a simulated server for one request and "
        "draw every message between client, server and app, with each spec violation "
        "explained. Without options the request is GET /.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "file", metavar="FILE", help="your Python file (- reads it from standard input)"
    )
    run.add_argument(
        "--app", default="app", help="name of the app callable in FILE (default: %(default)s)"
    )
    run.add_argument(
        "--interface",
        choices=("auto", "wsgi", "asgi"),
        default="auto",
        help="which server to use; auto guesses from your app's signature (default)",
    )
    run.add_argument("-X", "--method", help="HTTP method (default: GET, or POST with --data)")
    run.add_argument(
        "--path",
        default="/",
        help="path with optional query string, percent-encoded as on the request line: "
        "'/hello?name=Ada' (default: /)",
    )
    run.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a request header; repeat for more",
    )
    run.add_argument(
        "--data", help="request body text (makes the method POST unless -X says otherwise)"
    )
    run.add_argument(
        "--websocket",
        action="store_true",
        help="open a WebSocket connection instead of an HTTP request",
    )
    run.add_argument(
        "--send",
        action="append",
        default=[],
        metavar="TEXT",
        help="with --websocket: a text message the client sends; repeat for more",
    )
    run.add_argument(
        "--lifespan",
        action="store_true",
        help="ASGI: run lifespan startup before the request and shutdown after",
    )
    run.add_argument(
        "--scenario",
        metavar="FILE.json",
        help="describe the client in a JSON file instead (docs/scenario.md); "
        "replaces the request options",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="print the trace as JSON (docs/trace.md) instead of the diagram",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help="seconds before a run that never ends is stopped (default: %(default)s)",
    )
    run.add_argument(
        "--isolated",
        action="store_true",
        help="run the code in the site's sandbox (a walled-in child process with CPU, "
        "memory and time limits) instead of in this process",
    )
    add_lang(run)
    run.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the diagram (auto: when the output is a terminal and NO_COLOR is unset)",
    )

    add_lab_parser(sub, add_lang)  # `lab`: the concurrency lab (cli_lab.py)

    rules_cmd = sub.add_parser(
        "rules", help="list every rule the engine checks, with its spec link"
    )
    rules_cmd.add_argument("--json", action="store_true", help="print the rules as JSON")
    add_lang(rules_cmd)

    doctor = sub.add_parser("doctor", help="report which sandbox protections work on this machine")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser
