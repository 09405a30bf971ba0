"""The settings round trip: URL -> session state -> widgets -> URL."""

from streamlit.testing.v1 import AppTest


def _page():
    import dataclasses

    import streamlit as st

    from nnviz.ui import state

    @dataclasses.dataclass(frozen=True)
    class Settings:
        lr: float = 0.1
        layers: tuple = (4, 2)
        dropout: bool = False
        name: str = "spiral"

    defaults = Settings()
    state.init("t", defaults)
    st.slider("lr", 0.0, 1.0, key=state.key("t", "lr"))
    st.checkbox("dropout", key=state.key("t", "dropout"))
    state.presets_bar("t", defaults, {"Fast": {"lr": 0.9}})
    settings = state.sync("t", defaults)
    st.write(f"{settings.lr}|{settings.layers}|{settings.dropout}|{settings.name}")


def _shown(at):
    return at.markdown[-1].value


def test_defaults_leave_the_url_empty():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert _shown(at) == "0.1|(4, 2)|False|spiral"
    assert dict(at.query_params) == {}


def test_url_restores_every_setting_and_changes_are_written_back():
    at = AppTest.from_function(_page)
    at.query_params.update({"lr": "0.5", "layers": "8,8,3", "dropout": "1", "name": "xor"})
    at.run()
    assert _shown(at) == "0.5|(8, 8, 3)|True|xor"
    at.slider[0].set_value(0.7).run()
    assert at.query_params["lr"] == "0.7"
    assert at.query_params["layers"] == "8,8,3"


def test_unreadable_url_value_falls_back_to_default_with_a_warning():
    at = AppTest.from_function(_page)
    at.query_params["lr"] = "abc"
    at.run()
    assert not at.exception
    assert "lr" in at.warning[0].value
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

    from nnviz.ui import state

    @dataclasses.dataclass(frozen=True)
    class Settings:
        which: str = "a"
        a: float = 0.1
        b: float = 0.2

    defaults = Settings()
    state.init("c", defaults)
    which = st.radio("which", ["a", "b"], key=state.key("c", "which"))
    st.slider(which, 0.0, 1.0, key=state.key("c", which))
    settings = state.sync("c", defaults)
    st.write(f"{settings.a}|{settings.b}")


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
