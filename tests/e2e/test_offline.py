"""nnviz works offline: no request leaves the server's own address.

A real browser opens every page of the navigation (and presenter mode, whose
QR code is made on the server) while every request is recorded; requests to
any other host are refused and fail the test. Fonts, KaTeX, Plotly's
JavaScript and the app's own assets must all come from the nnviz server.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from nnviz.ui.course import available
from tests.e2e.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser


def _settled(pg) -> None:
    pg.locator("[data-testid=stMain] h1").first.wait_for(timeout=90_000)
    wait_for_app(pg, timeout=90_000)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')"
        " && [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        "      .every(c => c.querySelector('.main-svg'))", timeout=90_000)
    pg.wait_for_load_state("networkidle")


def test_every_page_loads_everything_from_the_server_itself(browser, server_url):
    own = urlparse(server_url).netloc
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    outside: list[str] = []
    failed: list[str] = []

    def route(r):
        url = r.request.url
        requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about") or parsed.netloc == own:
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))

    def response(resp) -> None:
        # Streamlit's frontend first probes /<page>/_stcore/{health,host-config} in case the
        # app is served under a path prefix; the 404s are expected, it then uses /_stcore/...
        probe = resp.url.endswith(("/_stcore/health", "/_stcore/host-config"))
        if resp.status >= 400 and not (probe and resp.status == 404):
            failed.append(f"{resp.status} {resp.url}")

    pg.on("response", response)
    try:
        paths = ["", *(lesson.url_path for lesson in available()), "?present=1"]
        fonts_and_scripts = set()
        for path in paths:
            pg.goto(f"{server_url}/{path}")
            _settled(pg)
            no_exception(pg)
            fonts_and_scripts |= {u for u in requests if u.endswith((".woff2", ".woff", ".ttf", ".js"))}
        assert outside == [], f"requests left the server: {sorted(set(outside))}"
        assert failed == [], f"requests failed: {sorted(set(failed))}"
        assert pg.errors == []
        # The assets really were fetched, from the server: Streamlit's JavaScript (which bundles
        # Plotly) and fonts (Source Sans; KaTeX's on pages with formulas).
        assert any(u.endswith(".js") for u in fonts_and_scripts)
        assert any("woff" in u for u in fonts_and_scripts)
        if len(paths) > 2:
            assert any("KaTeX" in u for u in fonts_and_scripts), sorted(fonts_and_scripts)
    finally:
        context.close()
