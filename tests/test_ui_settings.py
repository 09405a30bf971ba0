"""The settings round trip of nnviz.ui.settings.Page: URL -> session state -> widgets -> URL, presets, Reset."""

from streamlit.testing.v1 import AppTest


def _page():
    import dataclasses

    import streamlit as st

    from nnviz.ui import settings

    @dataclasses.dataclass(frozen=True)
    class Settings:
        lr: float = settings.slider(0.1, 0.0, 1.0, 0.1, "lr")
        layers: str = settings.text("4, 2", "layers", max_chars=40)
        dropout: bool = settings.toggle(False, "dropout", widget="checkbox")
        name: str = settings.choice("spiral", ("spiral", "xor"), "name")

    page = settings.Page("t", Settings)
    page.init()
    page.widget("lr")
    page.widget("dropout")
    page.presets_bar({"Fast": {"lr": 0.9}})
    s = page.sync()
    st.write(f"{s.lr}|{s.layers}|{s.dropout}|{s.name}")


def _shown(at):
    return at.markdown[-1].value


def test_defaults_leave_the_url_empty():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert _shown(at) == "0.1|4, 2|False|spiral"
    assert dict(at.query_params) == {}


def test_url_restores_every_setting_and_changes_are_written_back():
    at = AppTest.from_function(_page)
    at.query_params.update({"lr": "0.5", "layers": "8,8,3", "dropout": "1", "name": "xor"})
    at.run()
    assert _shown(at) == "0.5|8,8,3|True|xor"
    at.slider[0].set_value(0.7).run()
    assert at.query_params["lr"] == "0.7"
    assert at.query_params["layers"] == "8,8,3"


def test_presenter_mode_and_the_live_class_stay_in_the_url():
    at = AppTest.from_function(_page)
    at.query_params.update({"present": "1", "class": "KXTW"})
    at.run()
    at.slider[0].set_value(0.7).run()
    assert at.query_params["present"] == "1" and at.query_params["class"] == "KXTW"


def test_unreadable_url_value_falls_back_to_default_with_a_warning_in_words():
    at = AppTest.from_function(_page)
    at.query_params["lr"] = "abc"
    at.query_params["name"] = "[x](http://example.invalid)"
    at.run()
    assert not at.exception
    message = at.warning[0].value
    assert "**lr**: ` abc ` is not a number; the default ` 0.1 ` is used." in message
    assert "` [x](http://example.invalid) ` is not one of: spiral, xor" in message
    assert _shown(at).startswith("0.1|")


def test_preset_and_reset_buttons_set_the_settings():
    at = AppTest.from_function(_page).run()
    at.button(key="t.preset.Fast").click().run()
    assert _shown(at).startswith("0.9|")
    at.button(key="t.preset.reset").click().run()
    assert _shown(at).startswith("0.1|")


def _alternating_page():
    import dataclasses

    import streamlit as st

    from nnviz.ui import settings

    @dataclasses.dataclass(frozen=True)
    class Settings:
        which: str = settings.choice("a", ("a", "b"), "which", widget="radio")
        a: float = settings.slider(0.1, 0.0, 1.0, 0.1, "a")
        b: float = settings.slider(0.2, 0.0, 1.0, 0.1, "b")

    page = settings.Page("c", Settings)
    page.init()
    which = page.widget("which")
    page.widget(which)
    s = page.sync()
    st.write(f"{s.a}|{s.b}")


def test_a_setting_survives_runs_where_its_widget_is_not_drawn():
    at = AppTest.from_function(_alternating_page).run()
    at.slider[0].set_value(0.7).run()
    at.radio[0].set_value("b").run()
    at.slider[0].set_value(0.9).run()
    at.radio[0].set_value("a").run()
    at.run()
    at.run()
    assert _shown(at) == "0.7|0.9"
    at.radio[0].set_value("b").run()
    assert at.slider[0].value == 0.9
