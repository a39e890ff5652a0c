"""The ``::: predict`` block: question, 2-4 choices, one right, feedback for each."""

from __future__ import annotations

import re

import pytest
from wsgi_asgi_tour.lesson_model import Runnable
from wsgi_asgi_tour.markdown import MarkdownError, RenderContext, render

GOOD = """Intro.

::: predict for=hello After start_response
What does the server do next?

- [ ] It sends the headers at once.

  No: see [the spec](https://peps.python.org/pep-3333/#the-start-response-callable).
- [x] It iterates over the `list`.

  Right: the body comes from the iterable.
:::
"""


def lesson_context(ids: tuple[str, ...] = ("hello",)) -> RenderContext:
    context = RenderContext()
    context.runnables.extend(Runnable(i, "", {}, "wsgi") for i in ids)
    context.make_runnable = lambda fence, code, line: Runnable("x", code, {}, "wsgi")
    return context


def test_choices_feedback_and_data_attributes() -> None:
    out = render(GOOD, lesson_context())
    html = out.html
    assert ('<div class="admonition predict" role="group" aria-labelledby="predict-1-title" '
            'data-predict-id="predict-1" data-for="hello">') in html
    assert ('<p class="admonition-title" id="predict-1-title"><strong class="admonition-kind">'
            'Predict:</strong> After start_response</p>') in html
    assert '<ol class="predict-choices">' in html
    assert re.findall(r'data-correct="(\w+)"', html) == ["false", "true"]
    assert '<p class="predict-answer">It iterates over the <code>list</code>.</p>' in html
    assert "[x]" not in html and "[ ]" not in html
    assert html.count('<div class="predict-feedback">') == 2
    # links in the feedback are checked like every other link of the lesson
    assert ("https://peps.python.org/pep-3333/#the-start-response-callable", 8) in out.links


def test_tight_list_still_gives_paragraph_elements_and_ids_count_up() -> None:
    block = "::: predict\nQ?\n\n- [x] A\n\n  Yes.\n- [ ] B\n\n  No.\n:::\n\n"
    html = render(block + block.replace("::: predict", "::: predict id=second"),
                  RenderContext()).html
    assert 'data-predict-id="predict-1"' in html and 'data-predict-id="second"' in html
    assert html.count('<p class="predict-answer">') == 4
    assert "data-for" not in html


@pytest.mark.parametrize(("body", "message"), [
    ("Just a question.\n", "one bulleted list of choices"),
    ("Q?\n\n- [x] A\n\n  Yes.\n", "2 to 4 choices, found 1"),
    ("Q?\n\n" + "".join(f"- [ ] {n}\n\n  No.\n" for n in "ABCD") + "- [x] E\n\n  Yes.\n",
     "2 to 4 choices, found 5"),
    ("Q?\n\n- [ ] A\n\n  No.\n- [ ] B\n\n  No.\n", "exactly one choice"),
    ("Q?\n\n- [x] A\n\n  Yes.\n- [x] B\n\n  Yes.\n", "exactly one choice"),
    ("Q?\n\n- [x] A\n- [ ] B\n", "needs its feedback"),
    ("Q?\n\n- A\n\n  Yes.\n- [ ] B\n\n  No.\n", "starts with '[x] '"),
])
def test_mistakes_stop_the_lesson_with_the_line(body: str, message: str) -> None:
    with pytest.raises(MarkdownError) as info:
        render(f"Text\n\n::: predict\n{body}:::\n", RenderContext())
    assert message in str(info.value)
    assert info.value.line is not None and info.value.line >= 3


def test_for_must_name_a_runnable_of_the_lesson() -> None:
    with pytest.raises(MarkdownError) as info:
        render(GOOD, lesson_context(ids=("other",)))
    assert info.value.line == 3
    assert "for=hello: no runnable example" in str(info.value)
    assert "known: other" in str(info.value)


def test_duplicate_and_malformed_ids() -> None:
    block = "::: predict id=same\nQ?\n\n- [x] A\n\n  Yes.\n- [ ] B\n\n  No.\n:::\n\n"
    with pytest.raises(MarkdownError, match="two predict blocks have the id 'same'"):
        render(block + block, RenderContext())
    with pytest.raises(MarkdownError, match="lower-case words"):
        render(block.replace("id=same", "id=Same_1"), RenderContext())


def test_feedback_markup_is_escaped_like_all_prose() -> None:
    block = ("::: predict <b>T</b>\nQ <script>?\n\n- [x] <i>A</i>\n\n  Yes.\n"
             "- [ ] B\n\n  No.\n:::\n")
    html = render(block, RenderContext()).html
    assert "<script>" not in html and "<i>" not in html and "<b>" not in html
