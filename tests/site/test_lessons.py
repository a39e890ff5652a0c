"""Loading lessons: the real course loads fast, and every kind of mistake names file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from wsgi_asgi_tour.lessons import LessonError, default_root, load_course

HELLO = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hi"]
"""

FRONT = """\
---
title: Hello
summary: The smallest app.
interface: wsgi
part: 2
exercise:
  scenario: {path: /}
  checks:
    - status: 200
  hints:
    - Call start_response.
    - Return bytes.
---
"""


def make(root: Path, name: str = "01-hello", text: str = FRONT + "\n## Intro\n\nWords.\n",
         files: dict[str, str] | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text(text, encoding="utf-8")
    for file, content in {"starter.py": HELLO, "solution.py": HELLO, **(files or {})}.items():
        (folder / file).write_text(content, encoding="utf-8")
    return folder


def error(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> str:
    make(tmp_path / "lessons", text=text, files=files)
    with pytest.raises(LessonError) as info:
        load_course(tmp_path / "lessons")
    return str(info.value)


def test_the_course_loads_in_well_under_a_second() -> None:
    start = time.perf_counter()
    course = load_course()
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"loading took {elapsed:.2f} s"
    slugs = [lesson.slug for lesson in course.lessons]
    # The vertical slice keeps its slugs (and their order) wherever the curriculum adds lessons.
    slice_order = [s for s in slugs if s in ("first-wsgi-app", "first-asgi-app", "websocket-echo")]
    assert slice_order == ["first-wsgi-app", "first-asgi-app", "websocket-echo"]
    assert default_root().name in ("lessons", "lesson_files")


def test_a_minimal_lesson(tmp_path: Path) -> None:
    make(tmp_path / "lessons", text=FRONT + "\n## Intro\n\n```python run\n" + HELLO + "```\n")
    lesson = load_course(tmp_path / "lessons").by_slug["hello"]
    assert (lesson.number, lesson.title, lesson.interface, lesson.part) == (1, "Hello", "wsgi", 2)
    assert lesson.runnables[0].id == "example-1"
    assert lesson.runnables[0].code == HELLO
    assert lesson.runnables[0].scenario == {}
    assert 'class="runnable"' in lesson.html
    assert lesson.exercise and lesson.exercise.starter == HELLO
    assert lesson.exercise.checks[0].kind == "status"
    assert lesson.exercise.hints[0] == "<p>Call start_response.</p>\n"
    assert lesson.translations == {"en": "Hello"}
    assert lesson.prev is None and lesson.next is None


def test_page_data_is_json_without_the_solution() -> None:
    import json

    lesson = load_course().by_slug["first-wsgi-app"]
    data = lesson.page_data()
    assert lesson.exercise
    assert lesson.exercise.solution not in json.dumps(data)
    assert data["exercise"]["starter"] == lesson.exercise.starter  # type: ignore[index]
    assert set(data["runnables"]) == {r.id for r in lesson.runnables}  # type: ignore[arg-type]


def test_unknown_check_type_names_file_and_line(tmp_path: Path) -> None:
    text = FRONT.replace("    - status: 200", "    - status: 200\n    - stauts: 200")
    assert error(tmp_path, text) == (
        "lessons/01-hello/lesson.md:10: unknown check type 'stauts' (known: outcome, status, "
        "header, body_equals, body_contains, sequence, no_violations, violation, event_count, "
        "stdout_contains, ws_accepted, ws_received, ws_close)")


@pytest.mark.parametrize(("change", "expected"), [
    (("part: 2", "part: 7"), ":5: 'part' is 1, 2, 3 or 4, got 7"),
    (("interface: wsgi", "interface: cgi"), ":4: 'interface' is 'wsgi' or 'asgi'"),
    (("title: Hello", "titel: Hello"), ":2: unknown front matter key 'titel'"),
    (("scenario: {path: /}", "scenario: {path: nope}"),
     ":7: invalid scenario: scenario.path: expected a path"),
    (("scenario: {path: /}", "scenario: missing.json"), ":7: file 'missing.json' not found"),
    (("scenario: {path: /}", "scenario: named"), ":7: unknown scenario 'named'"),
    (("    - status: 200", "    - status: OK"), ":9: check 'status': expected a status code"),
    (("    - status: 200", "    - header: {name: x, has: y}"), ":9: check 'header': use one"),
    (("    - Return bytes.", "    - Return: bytes."), ":12: this hint was read as a mapping"),
    (("title: Hello", "title: [Hello"), ":3: front matter is not valid YAML"),
    (("  hints:\n", "  hint:\n"), ":10: unknown exercise key 'hint'"),
    (("    - Return bytes.", "    - '::: nope'"), ":12: unknown block '::: nope'"),
])
def test_front_matter_mistakes(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    message = error(tmp_path, FRONT.replace(*change))
    assert message.startswith("lessons/01-hello/lesson.md"), message
    assert expected in message, message


@pytest.mark.parametrize(("body", "expected"), [
    ("\n::: nota\nText\n:::\n", ":16: unknown block '::: nota'"),
    ("\n```python runn\nx = 1\n```\n", ":16: unknown code block option 'runn'"),
    ("\n```python file=nothere.py\n```\n", ":16: file 'nothere.py' not found"),
    ("\n```python file=../secret.py\n```\n", ":16: '../secret.py' is not a file name"),
    ("\n```python run scenario=x.json\nx = 1\n```\n", ":16: file 'x.json' not found"),
    ("\n# Title again\n", ":16: the page's only h1 is the front matter's title"),
    ("\n[x](/lessons/nowhere)\n", ":16: link '/lessons/nowhere': no lesson with the slug"),
    ("\n[x](#nowhere)\n", ":16: link '#nowhere': lesson 'hello' has no heading"),
    ("\n[x](https://peps.python.org/pep-3333/#no-such-section)\n",
     ":16: link 'https://peps.python.org/pep-3333/#no-such-section': anchor #no-such-section"),
    ("\n[x](https://asgi.readthedocs.io/en/latest/specs/tls.html)\n", "not a spec page"),
    ("\n[x](/rules#wsgi.no_such_rule)\n", "no rule 'wsgi.no_such_rule'"),
    ("\n[x](ftp://example.org/f)\n", "scheme 'ftp' is not allowed"),
    ("\n[x](../02-other/lesson.md)\n", "internal links are /lessons/<slug>"),
])
def test_prose_mistakes(tmp_path: Path, body: str, expected: str) -> None:
    message = error(tmp_path, FRONT + "\n## Intro" + body)
    assert expected in message, message


def test_good_links_pass(tmp_path: Path) -> None:
    body = ("\n## Intro\n\n[a](#intro) [b](/lessons/hello#intro) [c](/playground) "
            "[d](https://peps.python.org/pep-3333/#environ-variables) "
            "[e](https://asgi.readthedocs.io/en/latest/specs/www.html#http-connection-scope) "
            "[f](https://example.org/) [g](/rules#wsgi.start_response_twice)\n")
    make(tmp_path / "lessons", text=FRONT + body)
    try:
        load_course(tmp_path / "lessons")
    except LessonError as exc:  # the rule id is the one thing owned by another module
        assert "no rule" in str(exc), exc


def test_script_links_are_not_links(tmp_path: Path) -> None:
    make(tmp_path / "lessons", text=FRONT + "\n## Intro\n\n[x](javascript:alert(1))\n")
    lesson = load_course(tmp_path / "lessons").lessons[0]
    assert "href" not in lesson.html and lesson.links == ()


def test_folder_names_and_duplicates(tmp_path: Path) -> None:
    make(tmp_path / "a", name="1-bad_name")
    with pytest.raises(LessonError, match="a lesson folder is named NN-slug"):
        load_course(tmp_path / "a")
    make(tmp_path / "b", name="01-hello")
    make(tmp_path / "b", name="02-hello")
    with pytest.raises(LessonError, match="slug 'hello' is also used by b/01-hello"):
        load_course(tmp_path / "b")


def test_runnable_ids_are_unique(tmp_path: Path) -> None:
    body = "\n## A\n\n```python run id=x\nx = 1\n```\n\n```python run id=x\ny = 2\n```\n"
    message = error(tmp_path, FRONT + body)
    assert "two runnable blocks have the id 'x'" in message


def test_prev_next_and_scenario_files(tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    body = "\n## A\n\n```python file=ex.py scenario=req.json\n```\n"
    make(root, "01-one", FRONT.replace("Hello", "One") + body,
         files={"ex.py": HELLO, "req.json": '{"path": "/x", "method": "HEAD"}'})
    make(root, "02-two", FRONT.replace("Hello", "Two"))
    course = load_course(root)
    one, two = course.lessons
    assert (one.prev, one.next, two.prev, two.next) == (None, "two", "one", None)
    assert one.runnables[0].id == "ex"
    assert one.runnables[0].file == "ex.py"
    assert one.runnables[0].scenario == {"path": "/x", "method": "HEAD"}


def test_translation_falls_back_to_english(tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    folder = make(root)
    zh = ("---\ntitle: 你好\nsummary: 最小的应用。\n"
          "exercise:\n  hints: [调用 start_response。]\n---\n")
    (folder / "lesson.zh.md").write_text(zh + "\n## 介绍\n\n文字。\n", encoding="utf-8")
    make(root, "02-other", FRONT.replace("Hello", "Other"))
    course = load_course(root, lang="zh")
    hello, other = course.lessons
    assert (hello.lang, hello.title, hello.interface) == ("zh", "你好", "wsgi")
    assert "文字" in hello.html
    assert hello.exercise and hello.exercise.hints == ("<p>调用 start_response。</p>\n",)
    assert hello.exercise.checks[0].kind == "status"  # the checks come from lesson.md
    assert hello.translations == {"en": "Hello", "zh": "你好"}
    assert (other.lang, other.title) == ("en", "Other")
    assert load_course(root).lessons[0].title == "Hello"


@pytest.mark.parametrize(("zh", "expected"), [
    ("interface: asgi", r"lesson\.zh\.md:2: unknown front matter key 'interface'"),
    ("exercise:\n  checks: []", r"lesson\.zh\.md:3: a translation may only set task, hints"),
    ("exercise:\n  check_messages: [null, null]",
     r"lesson\.zh\.md:3: 'check_messages' has one entry per check \(1\)"),
])
def test_translation_may_not_change_the_exercise(tmp_path: Path, zh: str, expected: str) -> None:
    folder = make(tmp_path / "lessons")
    (folder / "lesson.zh.md").write_text(f"---\n{zh}\n---\n", encoding="utf-8")
    with pytest.raises(LessonError, match=expected):
        load_course(tmp_path / "lessons", lang="zh")


def test_translated_check_messages(tmp_path: Path) -> None:
    folder = make(tmp_path / "lessons")
    zh = "---\nexercise:\n  check_messages:\n    - {pass: 状态正确。, fail: 状态应为 200。}\n---\n"
    (folder / "lesson.zh.md").write_text(zh, encoding="utf-8")
    lesson = load_course(tmp_path / "lessons", lang="zh").lessons[0]
    assert lesson.exercise
    check = lesson.exercise.checks[0]
    assert (check.kind, check.pass_message, check.fail_message) == (
        "status", "状态正确。", "状态应为 200。")
    assert lesson.title == "Hello"  # not translated: English title kept


def test_every_lesson_file_ships_in_the_wheel() -> None:
    # pyproject maps lessons/ to the package wsgi_asgi_tour.lesson_files; its package-data
    # globs must cover every file a lesson has, or an installed site misses it.
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"]["wsgi_asgi_tour.lesson_files"] == "lessons"
    globs = setuptools["package-data"]["wsgi_asgi_tour.lesson_files"]
    assert "strings/*.toml" in setuptools["package-data"]["wsgi_asgi_tour"]
    for path in (root / "lessons").glob("*/*"):
        name = path.relative_to(root / "lessons").as_posix()
        if path.is_file() and "__pycache__" not in name:
            assert any(fnmatch.fnmatch(name, g) for g in globs), f"{name} would not ship"


def test_command_line_check(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    from wsgi_asgi_tour import lessons

    monkeypatch.setattr("sys.argv", ["lessons"])
    lessons.main()
    assert "/lessons/first-wsgi-app" in capsys.readouterr().out
    make(tmp_path / "bad", text=FRONT.replace("part: 2", "part: 9"))
    monkeypatch.setattr("sys.argv", ["lessons", str(tmp_path / "bad")])
    with pytest.raises(SystemExit):
        lessons.main()
    assert "bad/01-hello/lesson.md:5: 'part' is 1, 2, 3 or 4" in capsys.readouterr().err
