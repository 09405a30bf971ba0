"""Presenter mode in a real browser, at a projector's 1280 × 720.

Screenshots (full size and scaled to 50 %, roughly what the back row of a
classroom sees) go to ``screenshots/presenter_<page>.png`` and
``screenshots/presenter_<page>_50.png``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from nnviz.ui import presenter
from nnviz.ui.course import available
from tests.e2e.conftest import SCREENSHOTS, no_exception, wait_for_app

pytestmark = pytest.mark.browser

PREFERRED = ["activations", "gradient_descent", "backpropagation", "playground", "perceptron",
             "cost_functions", "loss_curves", "keras_training"]


def _pages() -> list[str]:
    lessons = {lesson.url_path for lesson in available()}
    return [""] + [p for p in PREFERRED if p in lessons][:3]


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    context.close()


def _shoot(pg, name: str) -> None:
    from PIL import Image

    SCREENSHOTS.mkdir(exist_ok=True)
    full = SCREENSHOTS / f"presenter_{name}.png"
    pg.screenshot(path=str(full))
    with Image.open(full) as image:
        image.resize((image.width // 2, image.height // 2), Image.LANCZOS).save(
            SCREENSHOTS / f"presenter_{name}_50.png")


def _settled(pg) -> None:
    """Wait until the run is over: a title, no placeholder skeletons, every Plotly chart drawn."""
    pg.locator("[data-testid=stMain] h1").first.wait_for(timeout=60_000)
    wait_for_app(pg)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')"
        " && [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        "      .every(c => c.querySelector('.main-svg'))", timeout=60_000)
    pg.wait_for_timeout(500)


def _title_height(pg) -> float:
    return pg.locator("[data-testid=stMain] h1").first.bounding_box()["height"]


@pytest.mark.parametrize("path", _pages())
def test_presenter_mode_draws_larger_with_the_sidebar_collapsed(projector, server_url, path):
    pg = projector
    pg.goto(f"{server_url}/{path}")
    wait_for_app(pg)
    pg.locator("[data-testid=stMain] h1").first.wait_for()
    normal = _title_height(pg)

    pg.goto(f"{server_url}/{path}?present=1")
    wait_for_app(pg)
    pg.locator("[data-testid=stMain] h1").first.wait_for()
    _settled(pg)
    no_exception(pg)
    assert pg.errors == []
    # Larger: the page title is drawn at least 25 % taller than without presenter mode.
    assert _title_height(pg) >= 1.25 * normal
    # Section tabs (lazy tabs on the bigger pages) get labels of at least 18 px before the page's 1.5× zoom.
    tabs = pg.locator('[data-testid=stMain] [role=tab] p')
    if tabs.count():
        assert tabs.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18
    # The sidebar starts collapsed.
    assert pg.locator("[data-testid=stSidebar]").get_attribute("data-collapsed") == "true"
    # Chart lines are thicker than Plotly's 2 px (the widest line of the page, at least 3.5 px).
    lines = pg.locator("[data-testid=stMain] .js-plotly-plot .scatterlayer .js-line")
    if lines.count():
        widest = max(lines.evaluate_all("es => es.map(e => parseFloat(getComputedStyle(e).strokeWidth) || 0)"))
        assert widest >= 3.5
    _shoot(pg, path or "home")
    charts = pg.locator("[data-testid=stMain] .js-plotly-plot")
    if charts.count() and path:  # (the home page's thumbnails are small on purpose)
        # Tick labels of at least 20 px (Plotly's default is 12): 10 px or more in the 50 % screenshot.
        tick = charts.first.locator(".xtick text").first
        assert tick.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 20
        charts.first.scroll_into_view_if_needed()
        pg.wait_for_timeout(300)
        _shoot(pg, f"{path or 'home'}_chart")


def test_share_box_shows_the_views_address_and_a_qr_code(projector, server_url):
    pg = projector
    lessons = available()
    path = lessons[0].url_path if lessons else ""
    pg.goto(f"{server_url}/{path}?present=1")
    _settled(pg)
    # The address is in the sidebar, which presenter mode collapses; open it as a teacher would.
    pg.locator("[data-testid=stExpandSidebarButton]").click()
    sidebar = pg.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Share this view").wait_for()
    code = sidebar.locator("[data-testid=stCode] code").first.inner_text()
    # The server was opened on 127.0.0.1: students get this computer's address on the network instead.
    lan = presenter.lan_address()
    own = f"http://{lan}:{urlsplit(server_url).port}" if lan else server_url
    assert code.startswith(f"{own}/{path}")
    assert "present=" not in code  # students get the normal view
    # The button at the top of the page shows the QR code large.
    pg.locator("[data-testid=stMain]").get_by_role("button", name="Share this view").click()
    dialog = pg.get_by_role("dialog")
    qr = dialog.locator("[data-testid=stImage] img").first
    qr.wait_for()
    pg.wait_for_function("img => img.complete && img.naturalWidth >= 200", arg=qr.element_handle())
    assert dialog.locator("[data-testid=stCode] code").first.inner_text() == code
    assert qr.bounding_box()["height"] >= 300  # big enough to scan from the back of the room
    _shoot(pg, "share_dialog")


def test_a_view_opened_on_localhost_is_shared_with_an_address_other_machines_can_open(projector, server_url):
    pg = projector
    lessons = {lesson.url_path for lesson in available()}
    path, query = ("gradient_descent", "?lr=1.26") if "gradient_descent" in lessons else ("", "")
    port = urlsplit(server_url).port
    pg.goto(f"http://localhost:{port}/{path}{query}")
    _settled(pg)
    sidebar = pg.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Share this view").click()
    sidebar.get_by_role("button", name="Show QR code").click()
    dialog = pg.get_by_role("dialog")
    dialog.locator("[data-testid=stImage] img").first.wait_for()
    url = urlsplit(dialog.locator("[data-testid=stCode] code").first.inner_text())
    text = dialog.inner_text()
    _shoot(pg, "share_dialog_localhost")
    lan = presenter.lan_address()
    if lan is None:  # a machine with no network: the box says how to find the address instead
        assert url.hostname == "localhost" and "ipconfig" in text
        return
    assert url.hostname == lan and not presenter.is_loopback(url.hostname)
    assert (url.port, url.path) == (port, f"/{path}")
    assert "lr=1.26" in url.query or not query
    assert "same network" in text and "address as seen by the class" in text
    # This test's server listens on 127.0.0.1 only, and the box says so.
    assert "--server.address 0.0.0.0" in text
