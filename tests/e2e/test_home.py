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
