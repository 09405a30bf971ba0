"""A link straight to a lesson, as the first visit to a fresh server, still runs app.py."""

import pytest

from tests.e2e.conftest import free_port, no_exception, start_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_server(tmp_path):
    port = free_port()
    proc = start_server(port, {"NNVIZ_RUNS_DIR": str(tmp_path / "runs")})
    yield f"http://127.0.0.1:{port}"
    proc.kill()
    proc.wait(10)


def test_first_visit_to_a_lesson_link_gets_the_course_navigation_and_the_settings(page, fresh_server):
    page.goto(f"{fresh_server}/perceptron?w1=2.5")
    wait_for_app(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=30_000)
    page.get_by_text("The perceptron").first.wait_for(timeout=30_000)
    text = nav.inner_text()
    # The menu is app.py's (titles and sections), not a list of file names.
    assert "Home" in text and "Foundations" in text and "Activation functions" in text, text
    # The link's setting reached the page: the w₁ slider stands at 2.5.
    assert page.locator('input[type="range"][aria-label="weight w₁"]').input_value() == "2.5"
    no_exception(page)
