"""User text shown as text: Markdown renders plain(s) as exactly the characters of s, never a link or markup."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from nnviz.ui.text import ZERO_WIDTH_SPACE, plain

# CommonMark plus GFM's tables and strikethrough, as Streamlit's Markdown renders them.
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _shown(markdown: str) -> str:
    """The HTML of a Markdown paragraph, tags and entities undone: the text a reader sees (zero-width spaces
    are invisible)."""
    out = RENDER.render(markdown).strip()
    assert out.startswith("<p>") and out.endswith("</p>"), out
    return html.unescape(out[3:-4]).replace(ZERO_WIDTH_SPACE, "")


@pytest.mark.parametrize("value", [
    "[Your session expired](http://example.invalid)",
    "<a href='http://example.invalid'>click</a>",
    "**bold** _it_ `code` ~~gone~~ # title",
    ":red[alarm] :material/home: $x^2$",
    "![img](http://example.invalid/x.png)",
    "a|b|c", "1. item", "- item", "> quote", "\\*", "http://example.invalid",
])
def test_markdown_shows_the_characters_of_user_text_and_no_link(value):
    out = RENDER.render(plain(value))
    assert "<a " not in out and "<img" not in out and "<strong>" not in out and "<em>" not in out
    assert _shown(plain(value)) == value


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
               min_size=1, max_size=40).filter(lambda s: s.strip() == s and s.strip()))
def test_any_text_comes_back_as_itself(value):
    assert _shown(plain(value)) == value


def test_line_breaks_become_spaces():
    assert plain("a\nb\r\nc") == "a b c"


@pytest.mark.parametrize("value, pattern", [
    ("see http://example.invalid/x", "http:" + ZERO_WIDTH_SPACE), ("www.example.invalid", "www" + ZERO_WIDTH_SPACE),
    ("me@example.invalid", "@" + ZERO_WIDTH_SPACE),
])
def test_bare_addresses_are_broken_for_gfm_autolinks_by_an_invisible_space(value, pattern):
    # GitHub-flavoured Markdown links bare addresses after undoing escapes; the browser test checks the result.
    assert pattern in plain(value).replace("\\", "")
