"""Presenter mode and the share box (nnviz/ui/presenter.py), through app.py with AppTest."""

from __future__ import annotations

import contextlib
import ipaddress
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


def test_share_link_keeps_the_settings_and_drops_presenter_mode():
    link = presenter.share_link("http://10.0.0.5:8501/gradient_descent", "gradient_descent",
                                {"lr": "0.1", "present": "1", "optimizers": "sgd,adam"})
    assert link == presenter.ShareLink("http://10.0.0.5:8501/gradient_descent?lr=0.1&optimizers=sgd%2Cadam")
    assert presenter.share_link(None, "perceptron", {}).url == "/perceptron"
    assert presenter.share_link("http://h/x?old=1#frag", "x", {"a": "b"}).url == "http://h/x?a=b"


@pytest.mark.parametrize("base", ["http://localhost:8501/gradient_descent", "http://127.0.0.1:8501/gradient_descent",
                                  "http://127.3.4.5:8501/gradient_descent", "http://[::1]:8501/gradient_descent",
                                  "http://LOCALHOST:8501/gradient_descent?lr=9"])
def test_a_loopback_address_becomes_this_computers_address_on_the_network(base):
    link = presenter.share_link(base, "gradient_descent", {"lr": "1.26"}, lan="192.168.1.20")
    assert link.url == "http://192.168.1.20:8501/gradient_descent?lr=1.26"  # port, page and settings kept
    assert link.note == presenter.LAN_NOTE
    assert "same network" in link.note and "address as seen by the class" in link.note
    # Without a port (port 80) none is added.
    assert presenter.share_link("http://localhost/x", "x", {}, lan="10.1.2.3").url == "http://10.1.2.3/x"


def test_a_loopback_address_without_a_network_address_is_kept_and_the_box_says_how_to_find_one():
    link = presenter.share_link("http://localhost:8501/perceptron", "perceptron", {"w1": "2"}, lan=None)
    assert link.url == "http://localhost:8501/perceptron?w1=2"
    assert link.note == presenter.NO_LAN_NOTE
    assert "ipconfig" in link.note and "ip -4 addr" in link.note and "NNVIZ_PUBLIC_URL" in link.note


@pytest.mark.parametrize("base", ["http://10.0.0.5:8501/perceptron", "http://192.168.1.7/perceptron",
                                  "https://nnviz.school.example/perceptron", "http://classroom-pc:8501/perceptron"])
def test_a_host_other_machines_can_reach_is_kept(base):
    link = presenter.share_link(base, "perceptron", {"w1": "2"}, lan="192.168.1.20")
    assert link == presenter.ShareLink(base + "?w1=2")


@pytest.mark.parametrize("base", ["http://localhost:8501/perceptron", "http://10.0.0.5:8501/perceptron", None])
@pytest.mark.parametrize("public_url", ["https://nnviz.school.example", "https://school.example/nnviz/",
                                        "classroom-pc:8501"])
def test_the_public_url_wins(base, public_url):
    link = presenter.share_link(base, "perceptron", {"w1": "2", "present": "1"}, public_url=public_url,
                                lan="192.168.1.20")
    expected = {"https://nnviz.school.example": "https://nnviz.school.example/perceptron?w1=2",
                "https://school.example/nnviz/": "https://school.example/nnviz/perceptron?w1=2",
                "classroom-pc:8501": "http://classroom-pc:8501/perceptron?w1=2"}[public_url]
    assert link == presenter.ShareLink(expected)
    assert presenter.share_link("http://localhost:8501/", "", {}, public_url=public_url).url == \
        expected.split("perceptron")[0]


def test_loopback_names_are_recognised():
    assert all(map(presenter.is_loopback, ["localhost", "app.localhost", "127.0.0.1", "127.255.0.9", "::1",
                                           "[::1]", "0.0.0.0"]))
    assert not any(map(presenter.is_loopback, ["10.0.0.5", "192.168.1.20", "classroom-pc", "fe80::1",
                                               "nnviz.school.example", "localhost.school.example"]))


def test_this_computers_network_address_is_an_ipv4_address_other_machines_can_reach():
    address = presenter.lan_address()
    # This machine's interfaces, read independently of the function under test (Linux: /proc/net/fib_trie).
    fib = Path("/proc/net/fib_trie")
    own = set()
    if fib.exists():
        lines = fib.read_text().splitlines()
        own = {lines[i - 1].split()[-1] for i, line in enumerate(lines) if "/32 host LOCAL" in line}
    if address is None:
        assert not {a for a in own if not a.startswith(("127.", "169.254."))}, "an address was missed"
    else:
        parsed = ipaddress.ip_address(address)
        assert parsed.version == 4 and not parsed.is_loopback and not parsed.is_link_local
        assert not own or address in own


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


def test_the_share_box_takes_the_public_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("NNVIZ_PUBLIC_URL", "https://nnviz.school.example")
    at = _app()
    assert not at.exception
    assert at.sidebar.code[-1].value == "https://nnviz.school.example/"


def test_the_share_box_holds_the_settings_the_page_writes_to_the_url():
    script = (
        "import streamlit as st\n"
        "from nnviz.ui import presenter\n"
        "def lesson():\n"
        "    st.query_params['lr'] = '0.5'\n"
        "page = st.navigation([st.Page(lesson, title='t', url_path='t')])\n"
        "presenter.run(page)\n"
    )
    at = AppTest.from_string(script, default_timeout=30).run()
    assert not at.exception
    assert [c.value for c in at.sidebar.code] == ["/?lr=0.5"]  # the only page is the default one


def test_a_page_that_stops_on_a_message_keeps_the_share_box(tmp_path, monkeypatch):
    empty = tmp_path / "no-runs"
    empty.mkdir()
    monkeypatch.setenv("NNVIZ_RUNS_DIR", str(empty))
    at = _app()
    at.switch_page("lessons/loss_curves.py").run()
    assert not at.exception
    assert "No runs yet" in at.info[0].value  # the page stopped on its message (st.stop)
    assert [e.label for e in at.sidebar.expander] == ["Share this view"]
    assert [c.value for c in at.sidebar.code] == ["/loss_curves"]
    assert [b.label for b in at.sidebar.button] == ["Show QR code", "Start a class"]  # the live class's too


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


def test_charts_drawn_through_chart_show_are_enlarged_only_for_the_session_in_presenter_mode():
    script = (
        "import plotly.graph_objects as go, streamlit as st\n"
        "from nnviz.ui import chart, presenter\n"
        "page = st.navigation([st.Page(lambda: chart.show(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])),"
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

    from nnviz.ui import crash

    def bad_callback():
        raise KeyError("a planted bug in a callback")

    @st.fragment
    @crash.guarded
    def bad_fragment():
        st.markdown("the fragment's first line")
        if st.session_state.get("break_fragment"):
            raise ValueError("a planted bug in a fragment")

    st.button("Break", key="break", on_click=crash.guarded(bad_callback))
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

    from nnviz.ui import crash

    def remember(error_id):
        st.session_state["crashed"] = error_id

    @st.fragment
    @crash.guarded(on_error=remember)
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
