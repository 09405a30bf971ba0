import tomllib

from streamlit.testing.v1 import AppTest

from nnviz.ui.course import COURSE, ROOT, available

APP = str(ROOT / "app.py")


def test_app_runs_the_home_page_without_exception():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "see how neural networks learn" in at.title[0].value


def test_home_page_maps_only_the_pages_that_exist():
    at = AppTest.from_file(APP, default_timeout=30).run()
    text = " ".join(c.value for c in at.caption)
    for lesson in COURSE:
        assert (lesson.summary in text) == (lesson in available())


def test_the_server_sends_no_fixed_theme_so_students_can_choose_one():
    # A [theme] base sends one theme and the menu offers no choice; the browser test picks both in the menu.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert "base" not in config.get("theme", {})
