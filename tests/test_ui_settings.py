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


def _number_page():
    import dataclasses

    import streamlit as st

    from nnviz.ui import settings

    @dataclasses.dataclass(frozen=True)
    class Settings:
        seed: int = settings.number(0, 0, 9999, 1, "data seed")
        lr: float = settings.number(0.5, 0.0, 10.0, 0.01, "η quadratic")

    page = settings.Page("n", Settings)
    page.init()
    page.widget("seed")
    page.widget("lr")
    page.presets_bar({"Seven": {"seed": 7}})
    s = page.sync()
    st.write(f"{s.seed!r}|{s.lr!r}")


def _typed(at, key, value):
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    return [w.value for w in at.warning]


def test_a_number_typed_out_of_range_is_clamped_and_said_in_words_beside_the_box():
    at = AppTest.from_function(_number_page).run()
    box = at.number_input(key="n.seed")
    # Drawn without bounds: the browser would otherwise refuse the value silently (a red field, no words).
    assert not box.proto.has_min and not box.proto.has_max
    assert _typed(at, "n.seed", 99999999) == [
        "**data seed** goes from 0 to 9999; 99999999 is outside it, so 9999 is used."]
    assert at.number_input(key="n.seed").value == 9999  # the box shows the value used
    assert _shown(at) == "9999|0.5" and at.query_params["seed"] == "9999"
    assert _typed(at, "n.lr", 1e9) == [
        "**data seed** goes from 0 to 9999; 99999999 is outside it, so 9999 is used.",
        "**η quadratic** goes from 0 to 10; 1000000000 is outside it, so 10 is used."]
    assert _shown(at) == "9999|10.0"
    # A value in range clears its own message; the other stays while its value is the one it names.
    assert _typed(at, "n.seed", 42) == ["**η quadratic** goes from 0 to 10; 1000000000 is outside it, so 10 is used."]
    assert _shown(at) == "42|10.0"


def test_a_whole_number_typed_in_exponent_form_is_read_as_that_number_not_as_its_first_digit():
    at = AppTest.from_function(_number_page).run()
    # The whole-number box of the browser reads "1e30" as 1; the page's box is a decimal box shown without decimals.
    assert at.number_input(key="n.seed").proto.format == "%.0f"
    assert _typed(at, "n.seed", 1e30) == ["**data seed** goes from 0 to 9999; 1e+30 is outside it, so 9999 is used."]
    assert _shown(at) == "9999|0.5"  # an int, as declared
    assert _typed(at, "n.seed", 12.6) == [
        "**data seed** goes from 0 to 9999 in whole numbers; 12.6 is not one, so 13 is used."]
    assert _shown(at) == "13|0.5"
    assert _typed(at, "n.seed", -3) == ["**data seed** goes from 0 to 9999; -3 is outside it, so 0 is used."]


def test_a_value_that_is_not_a_number_keeps_the_value_before():
    at = AppTest.from_function(_number_page).run()
    _typed(at, "n.lr", 2.5)
    assert _typed(at, "n.lr", float("inf")) == [
        "**η quadratic** goes from 0 to 10; what was typed is not a number it can use, so 2.5 is kept."]
    assert _shown(at) == "0|2.5"


def test_a_preset_after_a_clamped_value_removes_the_stale_message():
    at = AppTest.from_function(_number_page).run()
    assert _typed(at, "n.seed", 99999999)
    at.button(key="n.preset.Seven").click().run()
    assert not at.warning and _shown(at) == "7|0.5"


def test_a_link_number_beyond_every_float_range_is_named_and_the_default_used():
    at = AppTest.from_function(_number_page)
    at.query_params.update({"lr": "1e308", "seed": "1e30"})
    at.run()
    assert not at.exception
    message = at.warning[0].value
    assert "**η quadratic**: 1e+308 is outside 0 … 10; the default ` 0.5 ` is used." in message
    assert "**data seed**: ` 1e30 ` is not a whole number; the default ` 0 ` is used." in message
    assert _shown(at) == "0|0.5"
