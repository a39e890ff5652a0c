"""The ``wsgi-asgi-tour`` command: run your own app file, list the rules, start the site.

    wsgi-asgi-tour                      start the site (same as ``serve``)
    wsgi-asgi-tour run app.py --path '/hello?name=Ada'
    wsgi-asgi-tour run app.py --json    the trace JSON (docs/trace.md)
    wsgi-asgi-tour rules                every rule the engine checks
    wsgi-asgi-tour doctor               which sandbox protections work here

``run`` needs only the engine (``sandbox``); the web stack is imported lazily
by ``serve``, so a broken or missing web install never stops ``run``.
Exit codes: 0 fine, 1 the app broke a rule or failed, 2 bad command or scenario.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsgi_asgi_tour import i18n as strings
from wsgi_asgi_tour.cli_args import build_parser
from wsgi_asgi_tour.cli_lab import cmd_lab

import sandbox
from sandbox import i18n
from sandbox.render_colors import ANSI, PLAIN, glyphs_for, wants_color
from sandbox.render_text import exit_code, render

if TYPE_CHECKING:
    from sandbox.isolation.config import Limits

COMMANDS = ("serve", "run", "lab", "rules", "doctor")
USAGE_ERROR = 2


class UsageError(Exception):
    """A problem with the command line or the scenario: printed plainly, exit code 2."""


def _execute(
    code: str,
    scenario: dict[str, Any],
    interface: str,
    app: str,
    timeout: float,
    isolated: bool = False,
    lang: str = "en",
) -> dict[str, Any]:
    """Run the learner's code and return the trace.

    By default in this process, with the engine's SIGALRM deadline: the CLI runs
    your own file on your own machine, like `python app.py` would. ``--isolated``
    uses the site's sandbox instead (the same walls and limits as the web server).
    """
    if not isolated:
        return sandbox.run(code, scenario, interface=interface, app=app, timeout_s=timeout,
                           lang=lang)
    from sandbox.isolation.executor import Executor

    executor = Executor(cli_limits(timeout))
    try:
        return executor.run_sync(code, scenario, interface=interface, app=app, lang=lang)
    finally:
        executor.close_sync()


def cli_limits(timeout: float) -> Limits:
    """The sandbox's limits for a command-line run (``--isolated``): the site's, with
    the run's own --timeout and a wall clock a second past it."""
    from sandbox.isolation.config import Limits

    return replace(Limits.from_env(), engine_timeout_s=timeout, wall_s=max(3.0, timeout + 1))


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        if args_list and args_list[0].endswith(".py"):
            print(
                f"wsgi-asgi-tour: to run a file, use: wsgi-asgi-tour run {args_list[0]}",
                file=sys.stderr,
            )
            return USAGE_ERROR
        args_list.insert(0, "serve")
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has printed
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    try:
        handler = {"serve": cmd_serve, "run": cmd_run, "lab": cmd_lab, "rules": cmd_rules,
                   "doctor": cmd_doctor}
        return handler[args.command](args)
    except UsageError as exc:
        print(f"wsgi-asgi-tour {args.command}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        # `wsgi-asgi-tour run app.py | head`: the reader left; end quietly, as cat does.
        # Point stdout at devnull so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def cmd_run(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    code = _read_source(args.file, lang)
    scenario = _scenario(args)
    try:
        with i18n.use_lang(lang):  # the scenario's problem in the learner's language
            sandbox.parse(scenario)  # report a bad scenario before any code runs
    except sandbox.ScenarioError as exc:
        raise UsageError(strings.t("cli.bad_scenario", lang, error=exc)) from None
    if args.timeout <= 0:
        raise UsageError(strings.t("cli.timeout_positive", lang))
    trace = _execute(code, scenario, args.interface, args.app, args.timeout, args.isolated, lang)
    if args.json:
        print(json.dumps(trace, indent=2, allow_nan=False))
    else:
        out = sys.stdout
        palette = ANSI if wants_color(out, args.color) else PLAIN
        name = "<stdin>" if args.file == "-" else args.file
        width = shutil.get_terminal_size((100, 24)).columns
        with i18n.use_lang(lang):  # the diagram's fixed words (render_*.py use tr)
            text = render(trace, palette=palette, glyphs=glyphs_for(out), width=width,
                          filename=name)
        out.write(_encodable(text, out))
    return exit_code(trace)


def _read_source(file: str, lang: str = "en") -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(strings.t("cli.no_such_file", lang, file=file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(strings.t("cli.cannot_read", lang, file=file, error=exc)) from None


def _scenario(args: argparse.Namespace) -> dict[str, Any]:
    """The scenario JSON: from --scenario, or built from the curl-like options."""
    lang = cli_lang(args)
    request_options = (
        args.method
        or args.data is not None
        or args.header
        or args.path != "/"
        or args.websocket
        or args.send
    )
    if args.scenario:
        if request_options or args.lifespan:
            raise UsageError(strings.t("cli.scenario_and_options", lang))
        try:
            raw: Any = json.loads(Path(args.scenario).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(strings.t("cli.no_such_scenario", lang, file=args.scenario)) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(strings.t("cli.scenario_not_json", lang, file=args.scenario,
                                       error=exc)) from None
        if not isinstance(raw, dict):
            raise UsageError(strings.t("cli.scenario_not_object", lang, file=args.scenario))
        return raw
    headers = [_header(h, lang) for h in args.header]
    request: dict[str, Any]
    if args.websocket:
        if args.method or args.data is not None:
            raise UsageError(strings.t("cli.websocket_no_http", lang))
        actions: list[dict[str, Any]] = [{"send": text} for text in args.send]
        request = {
            "type": "websocket",
            "path": args.path,
            "headers": headers,
            "actions": [*actions, {"close": 1000}],
        }
    else:
        if args.send:
            raise UsageError(strings.t("cli.send_needs_websocket", lang))
        method = (args.method or ("POST" if args.data is not None else "GET")).upper()
        request = {"type": "http", "method": method, "path": args.path, "headers": headers}
        if args.data is not None:
            request["body"] = args.data
    if args.lifespan:
        return {"requests": [request], "lifespan": True}
    return request


def _header(text: str, lang: str = "en") -> list[str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise UsageError(strings.t("cli.bad_header", lang, header=repr(text)))
    return [name.strip(), value.strip()]


def _encodable(text: str, stream: Any) -> str:
    """``text`` with what the terminal's encoding cannot show replaced, never a crash."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text


def cli_lang(args: argparse.Namespace) -> str:
    """``--lang``, else the locale (LC_ALL, LC_MESSAGES, LANG: "zh_CN.UTF-8" -> "zh")."""
    if getattr(args, "lang", None):
        return str(args.lang)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:  # the first one set decides, as in POSIX
            return i18n.normalize(value)
    return "en"


def cmd_rules(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    catalogue = i18n.localized_rules(lang)
    if args.json:
        print(json.dumps([r.as_json() for r in catalogue], indent=2, ensure_ascii=False))
        return 0
    width = max((len(r.id) for r in catalogue), default=10)
    family = ""
    for rule in catalogue:
        if rule.family != family:
            family = rule.family
            print(f"\n{family}")
        print(f"  {rule.id:<{width}}  {rule.severity:<7}  {rule.title}")
        print(f"  {'':<{width}}  {'':<7}  {rule.spec}")
    print("\n" + strings.t("cli.rules_count", lang, count=len(catalogue)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    server = _optional("wsgi_asgi_tour.server", "the tour's web site")
    if server is None:
        return 1
    result = server.serve(
        host=args.host,
        port=args.port,
        open_browser=not args.no_browser,
        hosted=args.hosted,
        get=args.get,
    )
    return result if isinstance(result, int) else 0


def cmd_doctor(args: argparse.Namespace) -> int:
    doctor = _optional("sandbox.isolation.doctor", "the sandbox self-test")
    if doctor is None:
        return 1
    result = doctor.main(args.json)
    return result if isinstance(result, int) else 0


def _optional(module: str, what: str) -> Any:
    """Import ``module`` lazily; on failure say plainly what is missing and return None."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module or module.startswith(f"{exc.name}."):
            print(
                f"wsgi-asgi-tour: {what} is not part of this installation yet ({module}).",
                file=sys.stderr,
            )
        else:
            print(
                f"wsgi-asgi-tour: {what} needs the Python package {exc.name!r}, "
                "which is not installed. "
                "Install the tour with: pip install -e .",
                file=sys.stderr,
            )
        return None
