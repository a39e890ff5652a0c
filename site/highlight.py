"""Pygments highlighting with CSS classes (no inline styles: the CSP forbids them).

The colours come from ``highlight_css``: one stylesheet per theme, both keyed on
the same class names, so switching theme never re-renders a lesson.
"""

from __future__ import annotations

import functools
import html

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

FORMATTER = HtmlFormatter(nowrap=True)


@functools.cache
def _lexer(lang: str) -> Lexer | None:
    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight(code: str, lang: str) -> str:
    """`<pre class="highlight"><code class="language-LANG">` with Pygments' token spans;
    unknown or missing languages are escaped only."""
    lexer = _lexer(lang) if lang else None
    body = pygments_highlight(code, lexer, FORMATTER) if lexer else html.escape(code)
    cls = f' class="language-{html.escape(lang)}"' if lang else ""
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'
