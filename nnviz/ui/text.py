"""User text shown as text: a link's values, a CSV's headers and cells, run names.

Streamlit renders the body of ``st.error``, ``st.markdown`` and widget labels as
Markdown (links, emphasis, ``:red[...]`` colours, ``:material/...:`` icons,
``$...$`` LaTeX); a column named ``[Your session expired](http://...)`` would
become a clickable outside link. :func:`plain` escapes every ASCII punctuation
sign with a backslash (CommonMark shows an escaped sign as itself), so
``st.error(f"... {plain(value)}")`` shows exactly the characters typed.

GitHub-flavoured Markdown (Streamlit's) also turns a bare ``http://...``,
``www.`` or e-mail address into a link after escapes are undone; an invisible
zero-width space after ``://``'s colon, after ``www`` and after ``@`` breaks
those patterns (checked in a real browser, tests/e2e).

:func:`shown` is the other form, for a value echoed inside a sentence (a link's bad value, a typed
number): an inline code span, cut short, in which nothing is Markdown at all.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation sign
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


_AUTOLINK = re.compile(r"(:(?=//)|@|(?i:www)(?=\.))")
ZERO_WIDTH_SPACE = "\u200b"


def plain(value: object) -> str:
    """``value`` as text that Markdown shows literally: punctuation escaped, line breaks made spaces."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _AUTOLINK.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, text)
    return _PUNCTUATION.sub(r"\\\1", text)


# A value echoed back in a message is cut to this many characters (the rest shown as "…").
ECHO_CHARS = 40


def shown(value, limit: int = ECHO_CHARS) -> str:
    """``value`` as literal text inside Markdown: an inline code span, cut to ``limit`` characters.

    A code span shows its characters as they are: no link, image, HTML or emphasis can come out of
    it, whatever a hand-made link puts there.
    """
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = text.replace("\n", " ").replace("\r", " ")
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


# The most items a student may type in one box (labels, class names, logits, predictions): a page stays small.
MAX_ITEMS = 30


def bounded(items: list, what: str, limit: int = MAX_ITEMS) -> list:
    """``items`` typed by the student, refused in words when there are more than ``limit``."""
    if len(items) > limit:
        raise ValueError(f"there are {len(items):,} {what}; at most {limit} fit on this page")
    return items


def typed_numbers(text: str, what: str, limit: int = MAX_ITEMS):
    """The numbers typed in a box (at most ``limit``); an item that is not a number is named as typed, literally."""
    from nnviz import encoding

    for item in bounded(encoding.parse_labels(text), what, limit):
        try:
            float(item)
        except ValueError:
            raise ValueError(f"could not read {shown(item)} among the {what}: "
                             "type numbers separated by commas") from None
    return encoding.parse_numbers(text, what)
