"""Load the learner's source, find the app callable, and tell WSGI from ASGI.

The source runs as a real module (registered in ``sys.modules`` while it runs,
so dataclasses, pydantic and Flask can find it) with its lines in
``linecache`` so tracebacks show the learner's own code. Errors are rewritten
to show only the learner's frames: a beginner needs "line 4 of app.py", not
forty lines of engine and framework internals.
"""

from __future__ import annotations

import inspect
import linecache
import sys
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from sandbox.i18n import tr

Interface = Literal["wsgi", "asgi", "asgi2"]

# Modules of the optional `frameworks` extra (pyproject.toml) that lessons import, by
# their top-level name: a missing one is an installation step, not a bug in the code.
FRAMEWORK_MODULES = frozenset({"flask", "werkzeug", "fastapi", "pydantic", "django", "asgiref",
                               "a2wsgi"})
INSTALL_FRAMEWORKS = "pip install 'wsgi-asgi-tour[frameworks]'"


class LoadError(Exception):
    """The code ran, but there is no usable app; the message is for the learner."""


@contextmanager
def learner_module(code: str, filename: str) -> Iterator[types.ModuleType]:
    """A fresh module for ``code``, importable by its name while the run lasts."""
    name = filename.rsplit("/", 1)[-1].removesuffix(".py") or "app"
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    try:
        yield module
    finally:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous


def execute(code: str, module: types.ModuleType, filename: str) -> None:
    """Compile and run the module body (SyntaxError and anything it raises propagate)."""
    compiled = compile(code, filename, "exec", dont_inherit=True)
    exec(compiled, module.__dict__)


def find_app(module: types.ModuleType, name: str) -> Any:
    if not name.isidentifier():
        raise LoadError(
            tr("{name} is not a Python name, so it cannot name your app.", name=repr(name))
        )
    if name in module.__dict__:
        return module.__dict__[name]
    candidates = [
        k
        for k, v in module.__dict__.items()
        if callable(v)
        and not k.startswith("_")
        and not isinstance(v, type | types.ModuleType)
        and getattr(v, "__module__", None) == module.__name__
    ]
    hint = (
        tr(" Callables defined in your code: {names}.", names=", ".join(candidates))
        if candidates
        else ""
    )
    raise LoadError(
        tr(
            "Your code does not define {quoted}. The server looks for the app by name: "
            "define `def {name}(environ, start_response)` for WSGI or "
            "`async def {name}(scope, receive, send)` for ASGI.{hint}",
            quoted=repr(name),
            name=name,
            hint=hint,
        )
    )


def resolve(app: Any, interface: str) -> str:
    """What to run `app` as: "wsgi", "asgi" or "asgi2" (a legacy double callable), from
    the interface asked for ("auto" detects). Asking for "asgi" still runs an ASGI 2
    app as one, so the learner sees it work and the legacy warning."""
    kind = detect(app) if interface == "auto" else interface
    if kind not in ("wsgi", "asgi", "asgi2"):
        raise ValueError(f"interface must be wsgi, asgi or auto, not {interface!r}")
    if interface == "asgi" and detect(app) == "asgi2":
        kind = "asgi2"
    return kind


def detect(app: Any) -> Interface:
    """Guess the interface from the callable's shape, as a reader of the code would.

    ``async def`` (or an object whose ``__call__`` is async) is ASGI; two
    positional parameters is WSGI; one is a legacy ASGI 2 double callable;
    three is ASGI (a sync function returning an awaitable).
    """
    if not callable(app):
        raise LoadError(
            tr(
                "Your app is {what}, not something the server can call. "
                "An app is a function (or an object with __call__).",
                what=_with_article(type(app).__name__),
            )
        )
    target = app
    if not (inspect.isfunction(app) or inspect.ismethod(app)) and not inspect.isclass(app):
        target = type(app).__call__
    if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__func__", None)
    ):
        return "asgi"
    try:
        sig = inspect.signature(app)
    except (TypeError, ValueError):
        return "wsgi"
    params = [
        p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    has_varargs = any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values())
    if len(params) == 3:
        return "asgi"
    if len(params) == 1 and not has_varargs:
        return "asgi2"
    return "wsgi"


def format_error(exc: BaseException, filename: str) -> dict[str, Any]:
    """The trace's ``error`` object: only the learner's frames, and the line to mark."""
    if isinstance(exc, LoadError):  # the engine's own words for the learner; no traceback
        return {"type": "LoadError", "message": str(exc), "traceback": str(exc), "line": None}
    tb = exc.__traceback__
    frames = [f for f in traceback.extract_tb(tb) if f.filename == filename]
    line: int | None = frames[-1].lineno if frames else None
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
        text = "".join(traceback.format_exception_only(type(exc), exc))
    else:
        hidden = len(traceback.extract_tb(tb)) - len(frames)
        parts: list[str] = []
        # No frame of the learner's file: a header over an empty list would only puzzle.
        if frames:
            parts.append("Traceback (most recent call last):\n")
            parts += traceback.format_list(frames)
            if hidden == 1:
                parts.append("  " + tr("(1 frame inside the server and libraries hidden)") + "\n")
            elif hidden:
                parts.append(
                    "  "
                    + tr("({hidden} frames inside the server and libraries hidden)", hidden=hidden)
                    + "\n"
                )
        elif hidden == 1:
            parts.append(
                tr(
                    "(raised inside the server or a library, not in {filename}; 1 frame hidden)",
                    filename=filename,
                )
                + "\n"
            )
        elif hidden:
            parts.append(
                tr(
                    "(raised inside the server or a library, not in {filename}; {hidden} frames "
                    "hidden)",
                    filename=filename,
                    hidden=hidden,
                )
                + "\n"
            )
        parts += traceback.format_exception_only(type(exc), exc)
        text = "".join(parts)
    message = str(exc)
    hint = _install_hint(exc)
    if hint:
        message += hint
        text += hint.lstrip() + "\n"
    return {"type": type(exc).__name__, "message": message, "traceback": text, "line": line}


def _install_hint(exc: BaseException) -> str:
    """How to install a missing framework, so its lesson examples can run."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return ""
    top = exc.name.split(".", 1)[0]
    if top not in FRAMEWORK_MODULES:
        return ""
    return tr(
        " {module} belongs to the tour's optional frameworks, which are not installed "
        "here. Install them with: {command}",
        module=top,
        command=INSTALL_FRAMEWORKS,
    )


def _with_article(word: str) -> str:
    """'an int', 'a str' (in Chinese just the type name)."""
    if word[:1].lower() in "aeiou":
        return tr("an {type}", type=word)
    return tr("a {type}", type=word)
