"""The syntax-highlighting stylesheets, light and dark, scoped by the page's theme.

The page sets ``data-theme="light"`` or ``"dark"`` on ``<html>`` (following the
system until the learner toggles); each rule here is prefixed with that
attribute, so both sheets can be loaded at once. Both styles meet WCAG AA
contrast on their own backgrounds (the tests check the text colours).
"""

from __future__ import annotations

import functools

from pygments.formatters import HtmlFormatter

# Pygments style per theme: "default" keeps AA contrast on white; "github-dark" on its
# near-black background.
STYLES = {"light": "default", "dark": "github-dark"}


@functools.cache
def stylesheet(theme: str) -> str:
    """CSS for `.highlight` code under ``[data-theme=<theme>]``."""
    formatter = HtmlFormatter(style=STYLES[theme])
    scope = f"[data-theme={theme}] .highlight"
    rules = formatter.get_style_defs(scope)
    # Pygments also emits rules for line numbers and a bare `pre` selector; keep only ours.
    kept = [line for line in rules.splitlines() if line.startswith(scope)]
    return "\n".join(kept) + "\n"


def combined() -> str:
    """Both themes in one file (what the front-end serves as highlight.css)."""
    return "".join(f"/* {theme}: Pygments style {style} */\n{stylesheet(theme)}"
                   for theme, style in STYLES.items())


def main() -> None:  # `python -m wsgi_asgi_tour.highlight_css > static/css/highlight.css`
    print(combined(), end="")


if __name__ == "__main__":
    main()
