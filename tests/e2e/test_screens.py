"""What a student sees on the math pages, in a real browser: number boxes, formulas, legends, presenter mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser

MATH_PAGES = ("gradient_descent", "backpropagation", "perceptron", "activations", "cost_functions")


def _open(browser, server_url, path, width=1280, height=800):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    page.goto(f"{server_url}/{path}")
    wait_for_app(page, 60_000)
    return context, page


def _type(page, label, text):
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    return box


@pytest.mark.parametrize("path, label, typed, shown, message", [
    ("perceptron", "cloud seed", "99999999", "9999",
     "cloud seed goes from 0 to 9999; 99999999 is outside it, so 9999 is used."),
    # The browser's whole-number box would read 1e30 as 1, silently.
    ("perceptron", "cloud seed", "1e30", "9999", "cloud seed goes from 0 to 9999; 1e+30 is outside it, so 9999 is used."),
    ("cost_functions", "η quadratic", "1e9", "10.00",
     "η quadratic goes from 0 to 10; 1000000000 is outside it, so 10 is used."),
    ("cost_functions", "η quadratic", "1e400", "0.15",
     "η quadratic goes from 0 to 10; what was typed is not a number it can use, so 0.15 is kept."),
])
def test_a_number_typed_out_of_range_gets_words_and_the_box_shows_the_value_used(
        browser, server_url, path, label, typed, shown, message):
    context, page = _open(browser, server_url, path)
    try:
        page.get_by_label(label, exact=True).wait_for(timeout=60_000)
        box = _type(page, label, typed)
        page.get_by_text(message).wait_for(timeout=30_000)
        wait_for_app(page)
        assert float(box.input_value()) == float(shown)
        # The message sits beside its box: right under it, in the same column.
        box_rect, note_rect = box.bounding_box(), page.get_by_text(message).bounding_box()
        assert 0 <= note_rect["y"] - (box_rect["y"] + box_rect["height"]) < 80
        no_exception(page)
        assert page.errors == []
    finally:
        context.close()


# Each display formula: its box's width, how far its drawn math reaches (the right edge of KaTeX's .base
# boxes, left of the box's own left edge), whether the box scrolls sideways, and its shade (the cue).
FORMULAS = """() => [...document.querySelectorAll('[data-testid=stMain] .katex-display')].map(d => {
    const box = d.getBoundingClientRect(), style = getComputedStyle(d);
    const reach = Math.max(0, ...[...d.querySelectorAll('.katex-html .base')].map(b => b.getBoundingClientRect().right))
        - box.left + d.scrollLeft;
    return {text: d.innerText.replace(/\\s+/g, ' ').slice(0, 60), width: d.clientWidth, reach,
            scrollWidth: d.scrollWidth, overflowX: style.overflowX, shade: style.boxShadow};
})"""


def _each_tab(page):
    """Open each of the page's top-level tabs in turn (a page without tabs: once); yields the tab's label."""
    page.wait_for_selector("[data-testid=stMain] .katex-display", timeout=60_000)
    wait_for_app(page, 60_000)
    tabs = page.locator("[data-testid=stMain] [data-testid=stTabs]").first.locator("[role=tab]")
    if tabs.count() == 0:
        yield "the page"
        return
    for i in range(tabs.count()):
        label = tabs.nth(i).inner_text()
        tabs.nth(i).click()
        page.wait_for_timeout(500)
        wait_for_app(page, 60_000)
        page.wait_for_timeout(1000)  # KaTeX fonts and the charts beside the formulas settle
        yield label


@pytest.mark.parametrize("path", MATH_PAGES)
def test_no_formula_is_cut_at_its_column_edge(browser, server_url, path):
    """At 1280 × 800 every formula fits its box; on a phone a wider one scrolls, with a shade as its cue.

    The rules: every box scrolls sideways (overflow-x: auto), so nothing is ever cut. At 1280 × 800 every
    formula fits: its box's scrollWidth <= clientWidth + 2 (KaTeX's spacer), and its drawn math (KaTeX's .base boxes) ends inside
    the box (2 px for KaTeX's spacer, .vlist-s). At 390 × 844 a formula fits, or (scrollWidth > clientWidth)
    its box scrolls and shows a shade; a formula that fits has none.
    """
    checked = 0
    for width, height in ((1280, 800), (390, 844)):
        context, page = _open(browser, server_url, path, width, height)
        try:
            for tab in _each_tab(page):
                if width < 1280:  # a shade comes with the scroll timeline, once the formula is laid out
                    try:
                        page.wait_for_function(f"() => ({FORMULAS})().every(f => f.scrollWidth <= f.width"
                                               " || f.shade !== 'none')", timeout=10_000)
                    except PlaywrightTimeout:
                        pass  # the assertion below names the formula
                for f in page.evaluate(FORMULAS):
                    checked += 1
                    where = f"{path} [{tab}] at {width}px: {f['text']!r}"
                    assert f["overflowX"] == "auto", where
                    if width == 1280:
                        assert f["reach"] <= f["width"] + 2, f"{where} reaches {f['reach']:.0f} of {f['width']} px"
                        # KaTeX's 2 px spacer may stick out of a box shrunk to its formula's width
                        # (seen in about half the runs): 2 px of scroll, not a cut formula.
                        assert f["scrollWidth"] <= f["width"] + 2, f"{where} scrolls"
                    if f["scrollWidth"] > f["width"] + 2:
                        assert f["shade"] != "none", f"{where} scrolls without a cue"
                    elif f["scrollWidth"] <= f["width"]:
                        assert f["shade"] == "none", f"{where} fits but is shaded as if it did not"
            no_exception(page)
        finally:
            context.close()
    assert checked > 0


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_diverged_note_stays_clear_of_the_legend(browser, server_url):
    context, page = _open(browser, server_url, "gradient_descent?lr=1.2589254117941673")
    try:
        chart = page.locator(".js-plotly-plot", has_text="Cost per step")
        chart.locator(".annotation", has_text="diverged at step 7").wait_for(timeout=60_000)
        wait_for_app(page)
        chart.scroll_into_view_if_needed()
        note = chart.locator(".annotation", has_text="diverged at step 7").bounding_box()
        legend = chart.locator(".legend").bounding_box()
        plot = chart.locator(".main-svg").first.bounding_box()
        assert not _overlap(note, legend), (note, legend)
        assert note["y"] >= plot["y"] and note["x"] >= plot["x"]  # not cut at the top or the left
        no_exception(page)
    finally:
        context.close()


# Each label of a network drawing (the edges' labels, annotations with a box, and the nodes' own text) against
# the drawn edges of the same chart: points every 2 px along each edge line; those inside a label's box (1 px
# inside its border) are counted. Two labels closer than 1 px touch; a label past the chart's edge is cut; a
# label over a drawn node (its marker and ring) covers it; the legend must not overlap the title.
EDGES_THROUGH_LABELS = """(plot) => {
    const box = (text, r) => ({text, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const labels = [...plot.querySelectorAll('.annotation rect.bg')]
        .map(r => box(r.parentElement.textContent, r.getBoundingClientRect()))
        .concat([...plot.querySelectorAll('.scatterlayer .textpoint text')].filter(t => t.textContent.trim())
            .map(t => box(t.textContent, t.getBoundingClientRect())));
    const hits = new Set();
    for (const path of plot.querySelectorAll('.scatterlayer .trace path.js-line')) {
        const m = path.getScreenCTM(), n = path.getTotalLength();
        for (let s = 0; s <= n; s += 2) {
            const p = path.getPointAtLength(s), x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
            labels.forEach(r => { if (x > r.left + 1 && x < r.right - 1 && y > r.top + 1 && y < r.bottom - 1)
                hits.add(r.text); });
        }
    }
    const touching = [];  // e.g. crossing edges' labels met at the crossing
    labels.forEach((r, i) => labels.slice(i + 1).forEach(q => {
        if (r.left < q.right + 1 && q.left < r.right + 1 && r.top < q.bottom + 1 && q.top < r.bottom + 1)
            touching.push([r.text, q.text]); }));
    const frame = plot.querySelector('.main-svg').getBoundingClientRect();
    const cut = labels.filter(r => r.left < frame.left || r.right > frame.right || r.top < frame.top
        || r.bottom > frame.bottom).map(r => r.text);
    // The drawn nodes (markers with a fill or a ring; the invisible ones carrying hover text are not drawn),
    // each with its ring: a label over one of them covers it.
    const nodes = [...plot.querySelectorAll('.scatterlayer .points path.point')].filter(p => {
        const s = getComputedStyle(p);
        return parseFloat(s.fillOpacity) > 0 && s.fill !== 'rgba(0, 0, 0, 0)' || parseFloat(s.strokeWidth) > 0; })
        .map(p => { const r = p.getBoundingClientRect(), ring = parseFloat(getComputedStyle(p).strokeWidth) / 2;
            return {left: r.left - ring, right: r.right + ring, top: r.top - ring, bottom: r.bottom + ring}; });
    const covering = labels.filter(r => nodes.some(q => r.left < q.right && q.left < r.right && r.top < q.bottom
        && q.top < r.bottom)).map(r => r.text);
    // The legend clear of the title.
    const title = plot.querySelector('.gtitle'), legend = plot.querySelector('.legend');
    let legendOverTitle = false;
    if (title && legend) {
        const t = title.getBoundingClientRect(), l = legend.getBoundingClientRect();
        legendOverTitle = t.left < l.right && l.left < t.right && t.top < l.bottom && l.top < t.bottom;
    }
    return {labels: labels.length, nodes: nodes.length, hits: [...hits], touching, cut, covering, legendOverTitle};
}"""


@pytest.mark.parametrize("path, title, width, height", [
    ("perceptron", "The neuron", 1280, 800),
    ("perceptron", "The neuron", 390, 844),  # a phone: the same drawing in a third of the width
    ("perceptron?x1=-2&x2=-2&w1=-5&w2=-5&b=-10&activation=identity", "The neuron", 390, 844),  # the longest numbers
    ("perceptron?present=1", "The neuron", 1280, 720),
    ("backpropagation", "The chain", 1280, 800),
    ("backpropagation", "The chain", 390, 844),
    ("backpropagation?section=A+real+network%2C+step+by+step", "layer 1 (input)", 1280, 800),
    ("backpropagation?section=A+real+network%2C+step+by+step", "layer 1 (input)", 390, 844),
    ("backpropagation?section=A+real+network%2C+step+by+step&present=1", "layer 1 (input)", 1280, 720),
    # The widest numbers on the edges (gradients such as 4.39e-04) and three lines on each neuron.
    ("backpropagation?section=A+real+network%2C+step+by+step&stage=gradients", "layer 1 (input)", 390, 844),
])
def test_no_edge_runs_through_a_weight_label(browser, server_url, path, title, width, height):
    """No edge through a label, no two labels touching, none cut at the chart's edge or over a node; the legend
    clear of the title."""
    context, page = _open(browser, server_url, path, width, height)
    try:
        chart = page.locator(".js-plotly-plot", has_text=title)
        chart.locator(".annotation").first.wait_for(timeout=60_000)
        wait_for_app(page)
        chart.scroll_into_view_if_needed()
        found = chart.evaluate(EDGES_THROUGH_LABELS)
        assert found["labels"] >= 3 and found["nodes"] >= 3, found
        assert not found["hits"] and not found["touching"] and not found["cut"] and not found["covering"], found
        assert not found["legendOverTitle"], found
        no_exception(page)
    finally:
        context.close()


def test_presenter_mode_replay_controls_are_large_and_apart(browser, server_url):
    context, page = _open(browser, server_url, "gradient_descent?present=1", 1280, 720)
    try:
        chart = page.locator(".js-plotly-plot", has_text="Parabola: step")
        chart.locator(".slider-group > .slider-label").wait_for(state="attached", timeout=60_000)
        wait_for_app(page)
        chart.scroll_into_view_if_needed()
        label_px = chart.locator(".slider-group > .slider-label").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert label_px >= 18  # Plotly's 13 px step label is unreadable from the back of a room
        rail = chart.locator(".slider-rail-rect").bounding_box()
        for name in ("Play", "Pause"):
            button = chart.locator(".updatemenu-button", has_text=name).bounding_box()
            assert not _overlap(button, rail), (name, button, rail)
        plot = chart.bounding_box()
        assert rail["y"] + rail["height"] <= plot["y"] + plot["height"]  # the slider row fits in the chart
        no_exception(page)
    finally:
        context.close()


def test_a_number_box_in_a_narrow_column_shows_its_value_and_both_step_buttons(browser, server_url):
    context, page = _open(browser, server_url, "perceptron?present=1", 1280, 720)
    try:
        box = page.locator('[data-testid="stNumberInput"]', has_text="cloud seed")
        box.wait_for(timeout=60_000)
        box.scroll_into_view_if_needed()
        assert box.locator('[data-testid="stNumberInputClearButton"]').is_hidden()
        field = box.locator('[data-testid="stNumberInputContainer"]').bounding_box()
        for part in ("stNumberInputStepDown", "stNumberInputStepUp"):
            button = box.locator(f'[data-testid="{part}"]').bounding_box()
            assert button["x"] + button["width"] <= field["x"] + field["width"] + 1, part
    finally:
        context.close()


ALL_PAGES = ("", "perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation", "playground",
             "keras_training", "loss_curves")


def _settled(page):
    """Wait for the page's first full run, its fonts and its charts' first draw."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    wait_for_app(page, 60_000)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(1500)
    wait_for_app(page, 60_000)


# Every visible button with text in the page and its sidebar: its label's widths (the label's block, where an
# ellipsis would cut it), the button's own, and how far the label's text reaches past the button's sides
# (the text's layout box, which clipping does not shrink).
BUTTONS = """() => [...document.querySelectorAll('[data-testid=stMain] button, [data-testid=stSidebar] button')]
    .filter(b => b.offsetParent !== null && b.innerText.trim() !== '' && b.getBoundingClientRect().width > 0)
    .map(b => {
        const label = b.querySelector('[data-testid=stMarkdownContainer]') || b, range = document.createRange();
        range.selectNodeContents(label);
        const text = range.getBoundingClientRect(), box = b.getBoundingClientRect();
        return {text: b.innerText.trim().replace(/\\s+/g, ' '), box: [b.scrollWidth, b.clientWidth],
                label: [label.scrollWidth, label.clientWidth],
                past: Math.max(box.left - text.left, text.right - box.right)};
    })"""


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p or "home")
def test_no_button_label_is_wider_than_its_button_at_1280(browser, server_url, path):
    context, page = _open(browser, server_url, path)
    try:
        _settled(page)
        buttons = page.evaluate(BUTTONS)
        for b in buttons:
            where = f"/{path}: button {b['text']!r}"
            assert b["label"][0] <= b["label"][1] + 1, f"{where}: its label is {b['label'][0]} px in {b['label'][1]}"
            assert b["box"][0] <= b["box"][1] + 1, f"{where}: its content is {b['box'][0]} px in {b['box'][1]}"
            assert b["past"] <= 1, f"{where}: its text runs {b['past']:.0f} px past the button"
        assert any(b["text"] == "Start a class" for b in buttons), buttons  # the sidebar's, on every page
        no_exception(page)
    finally:
        context.close()


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p or "home")
def test_on_a_phone_no_page_scrolls_sideways(browser, server_url, path):
    context, page = _open(browser, server_url, path, 390, 844)
    try:
        _settled(page)
        widths = page.evaluate("""() => {
            const main = document.querySelector('[data-testid=stMain]');
            return {page: document.scrollingElement.scrollWidth, window: innerWidth,
                    main: main.scrollWidth, mainBox: main.clientWidth};
        }""")
        assert widths["page"] <= widths["window"], widths
        assert widths["main"] <= widths["mainBox"], widths
        no_exception(page)
    finally:
        context.close()


# Each chart with a title: its toolbar's (Plotly's modebar) box and whether it is shown, and its title's box.
TOOLBARS = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].flatMap(p => {
    const bar = p.querySelector('.modebar-container'), title = p.querySelector('.gtitle');
    if (!bar || !title || !bar.querySelector('.modebar')) return [];
    const style = getComputedStyle(bar), b = bar.querySelector('.modebar').getBoundingClientRect(),
          t = title.getBoundingClientRect();
    return [{title: title.textContent.slice(0, 50), shown: style.visibility !== 'hidden' && style.opacity !== '0',
             bar: {x: b.left, y: b.top, width: b.width, height: b.height},
             titleBox: {x: t.left, y: t.top, width: t.width, height: t.height}}];
})"""


@pytest.mark.parametrize("path", MATH_PAGES)
def test_on_a_phone_a_charts_toolbar_does_not_cover_its_title(browser, server_url, path):
    """On a phone the toolbar is hidden until the chart is touched (hovered), or else it sits clear of the title."""
    context, page = _open(browser, server_url, path, 390, 844)
    try:
        _settled(page)
        page.wait_for_selector("[data-testid=stMain] .js-plotly-plot .modebar", state="attached", timeout=60_000)
        page.mouse.move(1, 1)
        page.wait_for_timeout(500)
        charts = page.evaluate(TOOLBARS)
        assert charts, f"/{path} shows no chart with a title"
        for c in charts:
            assert not (c["shown"] and _overlap(c["bar"], c["titleBox"])), f"/{path}: the toolbar covers {c['title']!r}"
        # Touching a chart brings its toolbar (zoom, pan, download) back.
        chart = page.locator("[data-testid=stMain] .js-plotly-plot").first
        chart.scroll_into_view_if_needed()
        chart.hover()
        page.wait_for_function("""() => { const bar = document.querySelector(
            '[data-testid=stMain] .js-plotly-plot .modebar-container');
            return getComputedStyle(bar).visibility === 'visible'; }""", timeout=10_000)
        no_exception(page)
    finally:
        context.close()
