"""Split a lesson file into YAML front matter and Markdown, keeping line numbers.

A teacher's typo must be reported at its line, so the YAML is composed into
nodes (which carry their position) before it becomes Python data; every value's
path (``("exercise", "checks", 2)``) maps to the line it starts on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class FrontMatterError(ValueError):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Document:
    meta: dict[str, Any]
    lines: dict[Path_, int]  # value path -> 1-based line in the file
    body: str  # the Markdown after the closing ---
    body_line: int  # the file line the body starts on (1-based)

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def split(text: str) -> Document:
    if not text.startswith("---\n"):
        return Document({}, {}, text, 1)
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise FrontMatterError(1, "front matter opened with '---' is never closed")
    yaml_text = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = yaml_text.count("\n") + 3  # opening ---, the YAML lines, closing ---
    meta, lines = parse(yaml_text, first_line=2)
    return Document(meta, lines, body, body_line)


def parse(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[Path_, int]]:
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        raise FrontMatterError(line, f"front matter is not valid YAML: {exc.problem}") from None
    if node is None:
        return {}, {}
    lines: dict[Path_, int] = {}
    value = _Converter(lines, first_line).convert(node, ())
    if not isinstance(value, dict):
        raise FrontMatterError(first_line, "front matter must be a mapping of keys to values")
    return value, lines


class _Converter:
    def __init__(self, lines: dict[Path_, int], first: int) -> None:
        self.lines = lines
        self.first = first
        # The safe constructor resolves a scalar's tag: int, float, bool, null or str.
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.lines[path] = self._line(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if not isinstance(key, str):
                    raise FrontMatterError(self._line(key_node), f"key {key!r} is not text")
                if key in out:
                    raise FrontMatterError(self._line(key_node), f"key {key!r} is repeated")
                out[key] = self.convert(value_node, (*path, key))
                self.lines[(*path, key)] = self._line(key_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise FrontMatterError(self._line(node), "expected a plain value here")
        return self.constructor.construct_object(node, deep=True)

    def _line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.first
