import pytest

from nnviz.ui.course import available
from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_home_page_shows_navigation_with_every_installed_lesson(page, server_url):
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_text("see how neural networks learn").wait_for()
    nav = page.locator('[data-testid="stSidebarNav"]')
    if available():  # Streamlit hides the menu while the home page is the only page.
        nav.wait_for(timeout=30_000)
    for lesson in available():
        assert nav.get_by_text(lesson.title, exact=True).count() >= 1, lesson.title
    no_exception(page)
    assert page.errors == []
    screenshot(page, "home")


# Each thumbnail on the course map: its texts (axis titles, tick labels, legend entries, annotations, a title)
# with their boxes, the thumbnail's own box, and how many points of its curves (every 2 px along each line)
# fall inside its legend's box.
THUMBNAILS = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].map(plot => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const texts = [...plot.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .xtick text, .ytick text,'
                                             + ' .legendtext, .annotation-text')]
        .filter(t => t.textContent.trim() !== '' && getComputedStyle(t).display !== 'none')
        .map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())}))
        .filter(t => t.right > t.left);
    const legend = plot.querySelector('.legend .bg');
    let underLegend = 0;
    if (legend) {
        const r = legend.getBoundingClientRect();
        for (const path of plot.querySelectorAll('.scatterlayer .trace path.js-line')) {
            const m = path.getScreenCTM(), n = path.getTotalLength();
            for (let s = 0; s <= n; s += 2) {
                const p = path.getPointAtLength(s), x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
                if (x > r.left && x < r.right && y > r.top && y < r.bottom) underLegend += 1;
            }
        }
    }
    let card = plot;
    while (card && !card.querySelector('[data-testid=stPageLink]')) card = card.parentElement;
    return {lesson: card ? card.querySelector('[data-testid=stPageLink]').innerText.trim().split('\\n').pop() : '?',
            frame: box(plot.querySelector('.main-svg').getBoundingClientRect()), texts, underLegend};
})"""


def _apart(a, b) -> bool:
    return a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]


def _inside(a, frame, slack=0.5) -> bool:  # half a pixel: boxes are measured in fractions of one
    return frame["left"] - slack <= a["left"] and a["right"] <= frame["right"] + slack and \
        frame["top"] - slack <= a["top"] and a["bottom"] <= frame["bottom"] + slack


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_no_text_in_a_thumbnail_overlaps_another_or_runs_outside_it(browser, server_url, width, height):
    """Axis titles, tick labels, legends: each clear of the others and inside its thumbnail; no curve under a legend."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(server_url)
        wait_for_app(page, 60_000)
        expected = len(available())
        page.wait_for_function(f"() => document.querySelectorAll('[data-testid=stMain] .js-plotly-plot .xtick')"
                               f".length >= {expected}", timeout=60_000)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(1000)
        thumbnails = page.evaluate(THUMBNAILS)
        assert len(thumbnails) == expected
        for thumb in thumbnails:
            where = f"{thumb['lesson']}'s thumbnail at {width} px"
            texts = thumb["texts"]
            assert len(texts) >= 4, where  # two axis titles and tick labels at least
            for i, a in enumerate(texts):
                assert _inside(a, thumb["frame"]), f"{where}: {a['text']!r} runs outside it"
                for b in texts[i + 1:]:
                    assert _apart(a, b), f"{where}: {a['text']!r} overlaps {b['text']!r}"
            assert thumb["underLegend"] == 0, f"{where}: a curve runs under the legend"
        no_exception(page)
    finally:
        context.close()
