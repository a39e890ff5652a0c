"""Predict-the-next-message questions: the ``::: predict`` block of a lesson.

The learner commits to an answer before the explanation shows (static/js/predict.js
gives the block its behaviour). In Markdown the block is a question followed by a
list of 2-4 choices; ``[x]`` marks the right one, and each choice carries its
feedback as a second paragraph indented under it (docs/lessons.md, "Predict
questions"). A core rule rewrites the tokens after parsing; the HTML is plain
markup with data-* attributes (the page's CSP allows no inline script):

    <div class="admonition predict" role="group" data-predict-id="predict-1" data-for="..">
      <p class="admonition-title">...</p> <p>question</p>
      <ol class="predict-choices">
        <li class="predict-choice" data-correct="true|false">
          <p class="predict-answer">choice</p> <div class="predict-feedback">why</div>
        </li>
      </ol>
    </div>

Without JavaScript everything is visible, which is still a readable page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from wsgi_asgi_tour.i18n import t

NAME = "predict"
MARKER = re.compile(r"^\[([ xX])\][ \t]+")
OPTION = re.compile(r"^(for|id)=([A-Za-z0-9_.-]+)$")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_CHOICES, MAX_CHOICES = 2, 4


class PredictError(ValueError):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def _line(token: Token) -> int | None:
    return token.map[0] + 1 if token.map else None


def parse_info(info: str, line: int | None) -> tuple[dict[str, str], str]:
    """``predict for=example_hello id=after-start Title words`` -> options, title."""
    words = info.strip()[len(NAME):].split()
    options: dict[str, str] = {}
    while words and (match := OPTION.match(words[0])):
        options[match.group(1)] = match.group(2)
        words.pop(0)
    if "id" in options and not ID.match(options["id"]):
        raise PredictError(line, f"predict id= is lower-case words joined by dashes, "
                                 f"got {options['id']!r}")
    return options, " ".join(words)


def transform(state: StateCore) -> None:
    """Core rule: turn each predict container's list into choices with feedback."""
    tokens = state.tokens
    out: list[Token] = []
    seen: dict[str, int | None] = {}
    refs: list[tuple[str, int | None]] = state.env.setdefault("predict_refs", [])
    i = 0
    while i < len(tokens):
        token = tokens[i]
        out.append(token)
        i += 1
        if token.type != f"container_{NAME}_open":
            continue
        line = _line(token)
        options, title = parse_info(token.info, line)
        pid = options.get("id", f"predict-{len(seen) + 1}")
        if pid in seen:
            raise PredictError(line, f"two predict blocks have the id {pid!r}; give one an id=")
        seen[pid] = line
        token.meta = {"id": pid, "for": options.get("for"), "title": title}
        if "for" in options:
            refs.append((options["for"], line))
        end = next(j for j in range(i, len(tokens)) if tokens[j].type ==
                   f"container_{NAME}_close" and tokens[j].level == token.level)
        out.extend(_choices(tokens[i:end], token.level + 1, line))
        i = end
    state.tokens = out


def _choices(body: Sequence[Token], level: int, line: int | None) -> list[Token]:
    lists = [k for k, t in enumerate(body) if t.type == "bullet_list_open" and t.level == level]
    if len(lists) != 1:
        raise PredictError(line, "a predict block holds its question, then one bulleted list "
                                 "of choices ('- [x] right' / '- [ ] wrong')")
    start = lists[0]
    end = next(k for k in range(start, len(body)) if body[k].type == "bullet_list_close"
               and body[k].level == level)
    items: list[list[Token]] = []
    for token in body[start + 1:end]:
        if token.type == "list_item_open" and token.level == level + 1:
            items.append([])
        items[-1].append(token)
    if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        raise PredictError(line, f"a predict block has 2 to 4 choices, found {len(items)}")
    built = [_choice(item, level + 2) for item in items]
    if sum(correct for correct, _ in built) != 1:
        raise PredictError(line, "mark exactly one choice as the right one with '- [x]'")
    for open_close in (body[start], body[end]):  # an ordered list: choices read as 1, 2, 3
        open_close.type = open_close.type.replace("bullet", "ordered")
        open_close.tag = "ol"
    body[start].attrSet("class", "predict-choices")
    return [*body[:start + 1], *(t for _, item in built for t in item), *body[end:]]


def _choice(item: list[Token], level: int) -> tuple[bool, list[Token]]:
    opener, *content = item
    line = _line(opener)
    inline = content[1] if len(content) > 1 and content[0].type == "paragraph_open" else None
    first = inline.children[0] if inline is not None and inline.children else None
    match = MARKER.match(first.content) if first is not None and first.type == "text" else None
    if inline is None or first is None or match is None:
        raise PredictError(line, "each choice starts with '[x] ' (the right one) or '[ ] '")
    first.content = first.content[match.end():]
    correct = match.group(1) != " "
    closer = content.pop()  # list_item_close
    answer, feedback = content[:3], content[3:]
    if not any(t.type == "inline" and t.content.strip() for t in feedback):
        raise PredictError(line, "each choice needs its feedback: a second paragraph, indented "
                                 "under the choice after a blank line, saying why it is right "
                                 "or wrong")
    for token in content:  # a tight list hides <p>; the script needs the elements
        if token.type.startswith("paragraph") and token.level == level:
            token.hidden = False
    answer[0].attrSet("class", "predict-answer")
    opener.attrSet("class", "predict-choice")
    opener.attrSet("data-correct", "true" if correct else "false")
    wrap_open = Token("predict_feedback_open", "div", 1)
    wrap_close = Token("predict_feedback_close", "div", -1)
    return correct, [opener, *answer, wrap_open, *feedback, wrap_close, closer]


def check_refs(env: dict[str, Any], runnable_ids: set[str]) -> None:
    """Every ``for=`` must name a runnable example of the same lesson."""
    for ref, line in env.get("predict_refs", []):
        if ref not in runnable_ids:
            known = ", ".join(sorted(runnable_ids)) or "none"
            raise PredictError(line, f"predict for={ref}: no runnable example with that id "
                                     f"in this lesson (known: {known})")


def render_container(self: Any, tokens: Sequence[Token], idx: int, options: Any,
                     env: Any) -> str:
    """The container's open/close HTML, with the data the page's script reads."""
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    meta = token.meta or {}
    pid = html.escape(str(meta.get("id", "")))
    kind = html.escape(t(f"admonition.{NAME}", env["context"].lang))
    own = html.escape(str(meta.get("title", "")))
    title = f'<strong class="admonition-kind">{kind}:</strong> {own}' if own else kind
    attrs = f'data-predict-id="{pid}"'
    if meta.get("for"):
        attrs += f' data-for="{html.escape(str(meta["for"]))}"'
    return (f'<div class="admonition predict" role="group" '
            f'aria-labelledby="{pid}-title" {attrs}>\n'
            f'<p class="admonition-title" id="{pid}-title">{title}</p>\n')


def render_feedback(self: Any, tokens: Sequence[Token], idx: int, options: Any,
                    env: Any) -> str:
    return '<div class="predict-feedback">\n' if tokens[idx].nesting == 1 else "</div>\n"
