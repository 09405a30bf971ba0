"""Presenter mode and the share box (nnviz/ui/presenter.py), through app.py with AppTest."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from nnviz.ui import presenter

ROOT = Path(__file__).resolve().parents[1]


def _app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def test_share_url_keeps_the_settings_and_drops_presenter_mode():
    url = presenter.share_url("http://10.0.0.5:8501/gradient_descent", "gradient_descent",
                              {"lr": "0.1", "present": "1", "optimizers": "sgd,adam"})
    assert url == "http://10.0.0.5:8501/gradient_descent?lr=0.1&optimizers=sgd%2Cadam"
    assert presenter.share_url(None, "perceptron", {}) == "/perceptron"
    assert presenter.share_url("http://h/x?old=1#frag", "x", {"a": "b"}) == "http://h/x?a=b"


def test_qr_code_is_a_png_image_large_enough_to_scan():
    png = presenter.qr_png("http://192.168.1.20:8501/backpropagation?lr=0.5")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == height and width >= 200  # 8 px per module, 25+ modules plus the quiet zone


def test_present_param_turns_presenter_mode_on_and_the_toggle_off_again():
    at = _app(present="1")
    assert not at.exception
    assert at.toggle(key=presenter.KEY).value is True
    assert any("zoom" in html.proto.body for html in at.get("html"))
    assert [b.label for b in at.button if b.key == "_nnviz.share.top"] == ["Share this view"]
    at.toggle(key=presenter.KEY).set_value(False).run()
    assert not at.exception
    assert "present" not in at.query_params
    assert not any("zoom" in html.proto.body for html in at.get("html"))
    assert not [b for b in at.button if b.key == "_nnviz.share.top"]


def test_without_the_param_the_page_is_normal_and_the_toggle_turns_presenter_mode_on():
    at = _app()
    assert not at.exception
    assert at.toggle(key=presenter.KEY).value is False
    assert not any("zoom" in html.proto.body for html in at.get("html"))
    at.toggle(key=presenter.KEY).set_value(True).run()
    assert at.query_params["present"] == "1"
    assert any("zoom" in html.proto.body for html in at.get("html"))


def test_share_box_shows_the_address_of_the_current_view():
    at = _app()
    # AppTest has no browser URL: the address is relative to the server.
    assert at.code[-1].value == "/"
    assert any(e.label == "Share this view" for e in at.expander)


def test_presenter_figure_enlarges_fonts_and_lines_and_leaves_the_original_alone():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[1, 0], mode="lines+markers+text", marker_size=6, text=["a", "b"],
                               textfont_size=10))
    fig.add_annotation(text="note", x=0, y=0, font_size=10)
    fig.update_layout(title="a title")
    big = presenter.presenter_figure(fig)
    assert big.layout.font.size == pytest.approx(12 * 1.8)  # Plotly's 12 px default, times FONT_SCALE
    assert big.layout.xaxis.tickfont.size >= 20 and big.layout.yaxis.title.font.size == pytest.approx(21.6)
    assert big.layout.title.font.size == pytest.approx(16 * 1.5)  # titles grow less: long ones must fit
    assert big.data[0].textfont.size == pytest.approx(15)
    assert big.data[0].line.width == 2 * presenter.LINE_SCALE
    assert big.data[0].marker.size == 6 * 1.3
    assert big.layout.annotations[0].font.size == pytest.approx(18)
    assert fig.layout.font.size is None and fig.data[0].line.width is None  # a copy was changed


def test_charts_are_enlarged_only_for_the_session_in_presenter_mode():
    script = (
        "import plotly.graph_objects as go, streamlit as st\n"
        "from nnviz.ui import presenter\n"
        "page = st.navigation([st.Page(lambda: st.plotly_chart(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])),"
        " key='c'), title='t', url_path='t')])\n"
        "presenter.run(page)\n"
    )
    sizes = []
    for params in ({"present": "1"}, {}):
        at = AppTest.from_string(script, default_timeout=30)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        assert not at.exception
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        sizes.append(spec["layout"].get("font", {}).get("size"))
    assert sizes == [pytest.approx(21.6), None]


def _crashing_app():
    import streamlit as st

    from nnviz.ui import presenter

    def crash():
        st.markdown("the page's first lines are drawn")
        raise ZeroDivisionError("a planted bug")

    presenter.run(st.navigation([st.Page(crash, title="Crash", default=True)]))


@contextlib.contextmanager
def _nnviz_log():
    """The records logged to the "nnviz" logger while the block runs."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("nnviz")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def test_a_crashing_page_shows_an_error_id_that_the_server_log_holds_with_the_traceback():
    with _nnviz_log() as records:
        at = AppTest.from_function(_crashing_app, default_timeout=60).run()
    assert not at.exception  # no traceback in the browser
    assert at.markdown[0].value == "the page's first lines are drawn"  # what ran before the crash stays
    message = at.error[0].value
    error_id = message.split("error id **")[1].split("**")[0]
    assert len(error_id) == 8 and int(error_id, 16) >= 0
    logged = [r for r in records if error_id in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is ZeroDivisionError
    assert "a planted bug" in logging.Formatter().format(logged[0])
    # The share box still follows the page, so the view can still be passed on.
    assert [e.label for e in at.sidebar.expander] == ["Share this view"]


def _app_with_crashing_callback_and_fragment():
    import streamlit as st

    from nnviz.ui import presenter

    def bad_callback():
        raise KeyError("a planted bug in a callback")

    @st.fragment
    @presenter.guarded
    def bad_fragment():
        st.markdown("the fragment's first line")
        if st.session_state.get("break_fragment"):
            raise ValueError("a planted bug in a fragment")

    st.button("Break", key="break", on_click=presenter.guarded(bad_callback))
    st.checkbox("Break the fragment", key="break_fragment")
    bad_fragment()
    st.markdown("the rest of the page")


@pytest.mark.parametrize("how,exc_type", [("callback", KeyError), ("fragment", ValueError)])
def test_a_crashing_callback_or_fragment_shows_an_error_id_that_the_log_holds(how, exc_type):
    with _nnviz_log() as records:
        at = AppTest.from_function(_app_with_crashing_callback_and_fragment, default_timeout=60).run()
        assert not at.error
        if how == "callback":
            at.button(key="break").click().run()
        else:
            at.checkbox(key="break_fragment").check().run()
    assert not at.exception
    error_id = at.error[0].value.split("error id **")[1].split("**")[0]
    logged = [r for r in records if error_id in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is exc_type
    assert at.markdown[-1].value == "the rest of the page"  # the page goes on


def _app_with_a_fragment_that_stops_after_a_crash():
    import streamlit as st

    from nnviz.ui import presenter

    def remember(error_id):
        st.session_state["crashed"] = error_id

    @st.fragment
    @presenter.guarded(on_error=remember)
    def ticking():
        raise RuntimeError("a planted bug")

    ticking()
    st.markdown(f"crashed: {st.session_state.get('crashed')}")


def test_on_error_gets_the_id_of_the_crash_it_follows():
    with _nnviz_log() as records:
        at = AppTest.from_function(_app_with_a_fragment_that_stops_after_a_crash, default_timeout=60).run()
    assert not at.exception
    error_id = at.error[0].value.split("error id **")[1].split("**")[0]
    assert at.markdown[-1].value == f"crashed: {error_id}"
    assert [r.exc_info[0] for r in records if error_id in r.getMessage()] == [RuntimeError]
