"""The declared settings model (nnviz.ui.settings): each kind of setting, and every page held to its declarations.

For every lesson page built on ``settings.Page``: each widget drawn for a setting has exactly the range, step
and options its declaration gives (a widget and its declaration cannot drift apart); every preset fits; and
links generated from the declarations (hypothesis) never raise, never put a value outside its declaration
into the page, never turn link text into Markdown links or images, and keep the response under a byte budget.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st_
from streamlit.testing.v1 import AppTest

from nnviz.ui import settings

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.py"))
RESPONSE_BYTES = 3_000_000  # the most one page may send for any link (the defaults send well under 1 MB)


# -- each kind of setting ------------------------------------------------------------------------------
def test_a_whole_number_link_accepts_digits_only():
    seed = settings.Number("seed", 0, low=0, high=9999, step=1, widget="number")
    assert seed.check(seed.parse("42")) == 42
    for raw in ("1e30", "4.5", "abc", "", "1_0", "99999999999999"):
        with pytest.raises(ValueError):
            seed.check(seed.parse(raw))


def test_a_number_link_must_be_finite_and_in_range_and_the_message_says_which():
    lr = settings.Number("learning rate", 0.1, low=0.0, high=1.0, step=0.05)
    assert lr.check(lr.parse("0.25")) == 0.25
    with pytest.raises(ValueError, match=r"5 is outside 0 … 1"):
        lr.check(lr.parse("5"))
    for raw in ("nan", "inf", "-inf", "1e308", "1_0", "0x10", "abc"):
        with pytest.raises(ValueError):
            lr.check(lr.parse(raw))


def test_a_log_slider_snaps_to_the_nearest_stop_and_refuses_outside_its_stops():
    stops = (0.001, 0.01, 0.1, 1.0)
    lr = settings.Stops("η", 0.1, stops=stops)
    assert lr.check(lr.parse("0.08")) == 0.1
    assert lr.check(lr.parse("0.004")) == 0.01  # nearer on a log scale
    with pytest.raises(ValueError, match="outside"):
        lr.check(lr.parse("1e308"))
    with pytest.raises(ValueError):
        lr.check(lr.parse("0"))


def test_a_range_is_exactly_two_ordered_numbers():
    z = settings.Range("z range", (-6.0, 6.0), low=-20.0, high=20.0, step=0.5)
    assert z.check(z.parse("-4,4")) == (-4.0, 4.0)
    for raw in ("-6,5,6,19", "-1,0,0.5,0.6", "1,2,3,4,5", "4,-4", "3,3", "-30,4", "a,b", "7"):
        with pytest.raises(ValueError):
            z.check(z.parse(raw))


def test_choices_toggles_and_texts_are_checked():
    pick = settings.Choice("optimizer", "sgd", options={"sgd": "SGD", "adam": "Adam"})
    assert pick.check("adam") == "adam"
    with pytest.raises(ValueError, match="not one of: SGD, Adam"):
        pick.check("rmsprop")
    several = settings.Choices("functions", ["sgd"], options={"sgd": "SGD", "adam": "Adam"}, max_chosen=2)
    assert several.check(several.parse("adam,sgd")) == ["adam", "sgd"]
    for raw in ("adam,adam", "nope"):
        with pytest.raises(ValueError):
            several.check(several.parse(raw))
    flag = settings.Toggle("3-D", False)
    assert flag.parse("1") is True and flag.parse("false") is False
    with pytest.raises(ValueError):
        flag.parse("yes please")
    note = settings.Text("logits", "1, 2", max_chars=10)
    with pytest.raises(ValueError, match="characters long"):
        note.check("1," * 20)


@pytest.mark.parametrize("text", ["![x](http://127.0.0.1:8799/x.png)", "[log in](http://example.invalid)",
                                  "<img src=x onerror=alert(1)>", "`code` and ``more``", "*bold* _it_"])
def test_shown_text_is_a_code_span_that_holds_it_literally(text):
    span = settings.shown(text, limit=200)
    fence = re.match(r"^(`+) ", span).group(1)
    assert span == f"{fence} {text} {fence}"
    assert fence not in text  # the fence is longer than any run of backticks inside


def test_a_default_that_breaks_its_declaration_is_refused_when_the_page_is_built():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Broken:
        lr: float = settings.slider(5.0, 0.0, 1.0, 0.1, "learning rate")

    with pytest.raises(ValueError, match="default does not fit"):
        settings.Page("broken", Broken)


# -- every page held to its declarations ---------------------------------------------------------------
@pytest.fixture(autouse=True)
def _stored_runs():
    # The loss-curves page draws its controls only when there are runs to show.
    from tests.lessons.test_loss_curves import _store_runs

    _store_runs()


def _run(stem: str, query: dict | None = None) -> tuple[AppTest, settings.Page | None]:
    settings.PAGES.clear()
    at = AppTest.from_file(str(ROOT / "lessons" / f"{stem}.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    pages = list(settings.PAGES.values())
    return at, (pages[0] if pages else None)


def _declared_pages() -> list[str]:
    declared = []
    for stem in LESSONS:
        if "settings.Page(" in (ROOT / "lessons" / f"{stem}.py").read_text():
            declared.append(stem)
    return declared


DECLARED = _declared_pages()


def _widgets(at):
    for kind in ("slider", "select_slider", "selectbox", "radio", "multiselect", "number_input", "toggle",
                 "checkbox", "text_input"):
        for widget in at.get(kind):
            yield kind, widget


def _name(page: settings.Page, key: str | None) -> str | None:
    if key and key.startswith(page.prefix + "."):
        name = key[len(page.prefix) + 1:]
        return name if name in page.declared else None
    return None


def _check_widget(kind, widget, declaration):
    proto = widget.proto
    if isinstance(declaration, settings.Number):
        assert kind == ("number_input" if declaration.widget == "number" else "slider")
        if kind == "number_input":
            # Drawn without bounds (the browser would refuse an out-of-range value without a word): its
            # callback fits the typed value into the declared range and says so.
            assert not proto.has_min and not proto.has_max
        else:
            assert declaration.low <= proto.min <= proto.max <= declaration.high  # narrowed, never widened
        assert math.isclose(proto.step, declaration.step)
    elif isinstance(declaration, settings.Stops):
        assert kind == "select_slider"
        assert [float(o) for o in widget.options] == [float(f"{v:g}") for v in declaration.stops] or \
            len(widget.options) == len(declaration.stops)
    elif isinstance(declaration, settings.Range):
        assert kind == "slider"
        assert (proto.min, proto.max) == (declaration.low, declaration.high)
        assert math.isclose(proto.step, declaration.step)
    elif isinstance(declaration, settings.Choice):
        assert kind in ("selectbox", "radio")
        # The same options in the same order (a page may word one label from its data: "auto (detected: …)").
        labels = [str(label) for label in declaration.options.values()]
        assert len(widget.options) == len(labels)
        assert sum(a == b for a, b in zip(widget.options, labels)) >= len(labels) - 1
    elif isinstance(declaration, settings.Choices):
        assert kind == "multiselect"
        assert list(widget.options) == [str(label) for label in declaration.options.values()]
    elif isinstance(declaration, settings.Toggle):
        assert kind in ("toggle", "checkbox")
    elif isinstance(declaration, settings.Text):
        if kind == "selectbox":  # a text whose options are the data's (a table's columns): checked by the page
            return
        assert kind == "text_input" and proto.max_chars == declaration.max_chars
    assert proto.label == declaration.label


@pytest.mark.parametrize("stem", DECLARED)
def test_every_widget_of_a_setting_is_drawn_from_its_declaration(stem):
    at, page = _run(stem)
    assert not at.exception
    assert page is not None
    checked = set()
    # Every tab of a tabbed page, so every section's widgets are seen.
    tab_settings = [name for name, d in page.declared.items()
                    if isinstance(d, settings.Choice) and d.widget == "tabs"]
    queries = [None] + [{name: option} for name in tab_settings for option in page.declared[name].options]
    for query in queries:
        if query is not None:
            at, page = _run(stem, query)
            assert not at.exception
        for kind, widget in _widgets(at):
            name = _name(page, widget.key)
            if name is None:
                continue
            _check_widget(kind, widget, page.declared[name])
            checked.add(name)
    assert checked, f"/{stem} draws no widget from its declarations"


@pytest.mark.parametrize("stem", DECLARED)
def test_every_preset_fits_the_declarations_and_applies_cleanly(stem):
    at, page = _run(stem)
    presets = [b.key for b in at.button if b.key and b.key.startswith(f"{page.prefix}.preset.")]
    assert f"{page.prefix}.preset.reset" in presets
    # Page.apply checks a preset's values against the declarations: a misfit would show as an error.
    for key in presets:
        pressed, _ = _run(stem)
        pressed.button(key=key).click().run()
        # A lesson's own outcome may be an error (a preset that shows a run diverging); a crash is not.
        assert not pressed.exception and not any("went wrong" in e.value for e in pressed.error), key


def _bad_values(declaration):
    junk = st_.sampled_from(["abc", "1e308", "-1e308", "nan", "inf", "1_0", "", "![x](http://127.0.0.1:9/x.png)",
                             "[log in](http://example.invalid)", "<b>x</b>", "9" * 500, "0x1f", "1,2,3,4,5"])
    if isinstance(declaration, (settings.Number, settings.Stops)):
        return st_.one_of(junk, st_.floats(allow_nan=True, allow_infinity=True).map(repr),
                          st_.integers(-10**12, 10**12).map(str))
    if isinstance(declaration, settings.Range):
        pair = st_.lists(st_.floats(-1e6, 1e6), min_size=0, max_size=6).map(lambda v: ",".join(map(repr, v)))
        return st_.one_of(junk, pair)
    if isinstance(declaration, (settings.Choice, settings.Choices)):
        return st_.one_of(junk, st_.sampled_from(list(declaration.options) or ["x"]),
                          st_.text(max_size=60))
    if isinstance(declaration, settings.Text):
        return st_.one_of(junk, st_.text(max_size=300), st_.just(",".join(f"c{i}" for i in range(4000))))
    return st_.one_of(junk, st_.sampled_from(["0", "1"]))


def _links(stem: str):
    page = _run(stem)[1]
    names = list(page.declared)
    return st_.lists(st_.sampled_from(names), min_size=1, max_size=4, unique=True).flatmap(
        lambda chosen: st_.fixed_dictionaries({name: _bad_values(page.declared[name]) for name in chosen}))


OUTSIDE_LINK = re.compile(r"!?\[[^\]]*\]\((?:https?:)?//")


def _texts_outside_code(body: str) -> str:
    return re.sub(r"(`+).*?\1", "", body, flags=re.S)


@pytest.mark.parametrize("stem", DECLARED)
def test_links_made_from_the_declarations_never_break_a_page(stem):
    @hsettings(max_examples=int(__import__("os").environ.get("NNVIZ_FUZZ_LINKS", "75")), deadline=None,
               suppress_health_check=list(HealthCheck), derandomize=True)
    @given(query=_links(stem))
    def check(query):
        at, page = _run(stem, query)
        assert not at.exception, (query, at.exception)
        for name, declaration in page.declared.items():
            declaration.check(at.session_state[page.key(name)])  # nothing outside its declaration reached the page
        for kind in ("markdown", "warning", "error", "info", "success", "caption"):
            for element in at.get(kind):
                body = getattr(element, "value", "") or ""
                assert not OUTSIDE_LINK.search(_texts_outside_code(str(body))), (query, body)
        sent = sum(node.proto.ByteSize() for node in at.get("plotly_chart"))
        assert sent < RESPONSE_BYTES, (query, sent)

    check()
