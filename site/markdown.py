"""Markdown to HTML for lessons: markdown-it-py, admonitions, heading anchors, Pygments.

``render(text, context)`` takes the whole lesson file (front matter included, so
token line numbers are file line numbers) and returns the HTML, the headings and
the links. Fenced code whose info string says ``run`` or ``file=NAME`` becomes a
runnable: ``context.add_runnable`` records it and the HTML holds a
``<div class="runnable">`` with the highlighted code as the no-script fallback;
the front-end mounts the editor there. docs/lessons.md lists the syntax.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from wsgi_asgi_tour import predict
from wsgi_asgi_tour.highlight import highlight
from wsgi_asgi_tour.i18n import t
from wsgi_asgi_tour.lesson_model import Heading, Runnable

# `::: name [title]` blocks. `predict` holds a predict-the-next-message question with its
# choices (site/predict.py); the others are boxes of prose.
ADMONITIONS = ("note", "spec", "warning", "simplification", "tip", "predict")
CONTAINER_LINE = re.compile(r"^ {0,3}:::+[ \t]*([^\s:]+)")
# `## 最小的应用 {#the-smallest-app}`: a translated heading keeps the English anchor.
HEADING_ID = re.compile(r"[ \t]*\{#([a-z0-9_-]+)\}$")  # as the English slug
FENCE_FLAGS = ("run", "norun", "nogolden", "broken")
FENCE_KEYS = ("file", "scenario", "id", "app", "interface")


class MarkdownError(ValueError):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Fence:
    """A code block's info string, parsed: ```python run scenario=hello id=greet```."""

    lang: str
    flags: frozenset[str]
    options: dict[str, str]

    @property
    def runnable(self) -> bool:
        return "norun" not in self.flags and ("run" in self.flags or "file" in self.options)


@dataclass
class RenderContext:
    """What the renderer needs from the lesson: its files and where runnables go."""

    lang: str = "en"
    # Turns a fence into a Runnable (the loader reads files and scenarios); None: plain code.
    make_runnable: Callable[[Fence, str, int], Runnable] | None = None
    read_file: Callable[[str, int], str] | None = None
    runnables: list[Runnable] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    links: tuple[tuple[str, int], ...]  # (href, line)


def parse_info(info: str, line: int) -> Fence:
    words = info.split()
    lang = words[0] if words and "=" not in words[0] else ""
    flags: set[str] = set()
    options: dict[str, str] = {}
    for word in words[1 if lang else 0 :]:
        key, eq, value = word.partition("=")
        if eq and key in FENCE_KEYS and value:
            options[key] = value
        elif not eq and word in FENCE_FLAGS:
            flags.add(word)
        else:
            known = ", ".join((*FENCE_FLAGS, *(f"{k}=" for k in FENCE_KEYS)))
            raise MarkdownError(line, f"unknown code block option {word!r} (known: {known})")
    return Fence(lang, frozenset(flags), options)


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    line = token.map[0] + 1 if token.map else 0
    fence = parse_info(token.info, line)
    context: RenderContext = env["context"]
    code = token.content
    if "file" in fence.options:
        if token.content.strip():
            raise MarkdownError(line, "a file= code block must be empty: the file is its code")
        if context.read_file is None:
            raise MarkdownError(line, "file= code blocks need a lesson folder")
        code = context.read_file(fence.options["file"], line)
    shown = highlight(code, fence.lang)
    if not fence.runnable or context.make_runnable is None:
        return shown
    runnable = context.make_runnable(fence, code, line)
    context.runnables.append(runnable)
    label = html.escape(t("lesson.runnable_label", context.lang, id=runnable.id))
    attrs = (f'data-code-id="{html.escape(runnable.id)}" '
             f'data-interface="{html.escape(runnable.interface)}" '
             f'data-app="{html.escape(runnable.app)}" '
             f'data-scenario="{html.escape(json.dumps(runnable.scenario))}"')
    if runnable.broken:  # breaks a rule on purpose; the page may say so before it runs
        attrs += ' data-broken="true"'
    return f'<div class="runnable" role="group" aria-label="{label}" {attrs}>\n{shown}</div>\n'


def _admonition(name: str) -> Callable[..., str]:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.nesting != 1:
            return "</div>\n"
        custom = token.info.strip()[len(name) :].strip()
        kind = html.escape(t(f"admonition.{name}", env["context"].lang))
        # A custom title keeps the kind in front of it, so "Simplification" is never lost.
        title = f'<strong class="admonition-kind">{kind}:</strong> {html.escape(custom)}' \
            if custom else kind
        return (f'<div class="admonition {name}" role="note">\n'
                f'<p class="admonition-title">{title}</p>\n')
    return render


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    for name in ADMONITIONS:
        rule = predict.render_container if name == predict.NAME else _admonition(name)
        md.use(container_plugin, name, render=rule)
    md.core.ruler.push("predict", predict.transform)
    md.add_render_rule("predict_feedback_open", predict.render_feedback)
    md.add_render_rule("predict_feedback_close", predict.render_feedback)
    md.core.ruler.push("heading_ids", _explicit_heading_ids)  # before anchors: it keeps them
    md.use(anchors_plugin, min_level=2, max_level=3)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("softbreak", _softbreak)
    return md


# CJK ideographs, kana, CJK and full-width punctuation: text written without spaces.
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def _softbreak(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # A line break inside a paragraph becomes a space in the browser (Chromium does not
    # drop it between Chinese characters as CSS Text 3 allows), so a Chinese sentence
    # wrapped in the source would show stray spaces. Between two CJK characters, drop it.
    before = tokens[idx - 1].content[-1:] if idx > 0 and tokens[idx - 1].type == "text" else ""
    after = (tokens[idx + 1].content[:1]
             if idx + 1 < len(tokens) and tokens[idx + 1].type == "text" else "")
    return "" if CJK.match(before) and CJK.match(after) else "\n"


def _explicit_heading_ids(state: StateCore) -> None:
    # Translations end their headings with the English heading's {#id}, so links,
    # and the URLs a learner shares, are the same in every language.
    for i, token in enumerate(state.tokens):
        inline = state.tokens[i + 1] if token.type == "heading_open" else None
        last = inline.children[-1] if inline is not None and inline.children else None
        match = HEADING_ID.search(last.content) if last and last.type == "text" else None
        if inline is not None and last is not None and match:
            last.content = last.content[:match.start()]
            inline.content = HEADING_ID.sub("", inline.content)
            token.attrSet("id", match.group(1))


MD = _build()


def render(text: str, context: RenderContext) -> Rendered:
    _check_containers(text)
    env: dict[str, Any] = {"context": context}
    try:
        tokens = MD.parse(text, env)
        body = MD.renderer.render(tokens, MD.options, env)
        if context.make_runnable is not None:  # a lesson, not a fragment: for= must resolve
            predict.check_refs(env, {r.id for r in context.runnables})
    except predict.PredictError as exc:
        raise MarkdownError(exc.line, str(exc)) from None
    return Rendered(body, _headings(tokens), tuple(_links(tokens)))


def _check_containers(text: str) -> None:
    # markdown-it leaves an unknown `::: name` as plain text; a typo should fail instead.
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else CONTAINER_LINE.match(line)
        if match and match.group(1) not in ADMONITIONS:
            raise MarkdownError(number, f"unknown block '::: {match.group(1)}' "
                                        f"(known: {', '.join(ADMONITIONS)})")


def _headings(tokens: Sequence[Token]) -> tuple[Heading, ...]:
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            line = token.map[0] + 1 if token.map else None
            raise MarkdownError(line, "the page's only h1 is the front matter's title: "
                                      "start the prose's sections at '##'")
        if token.type == "heading_open":
            inline = tokens[i + 1]
            text = "".join(c.content for c in inline.children or [] if c.content)
            found.append(Heading(int(token.tag[1]), str(token.attrs.get("id", "")), text))
    return tuple(found)


def _links(tokens: Sequence[Token]) -> list[tuple[str, int]]:
    found = []
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        for child in token.children or []:
            if child.type == "link_open":
                found.append((str(child.attrs.get("href", "")), line))
    return found


def render_fragment(text: str, lang: str = "en") -> str:
    """A short piece of Markdown (a hint, an exercise task): no runnables, no anchors needed."""
    return render(text, RenderContext(lang=lang)).html
