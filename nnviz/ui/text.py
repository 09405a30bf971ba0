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
