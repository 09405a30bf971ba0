"""Presenter mode and the "share this view" box, applied to every page by ``app.py``.

A teacher projecting nnviz turns presenter mode on with ``?present=1`` or the
sidebar toggle: everything is drawn larger (text, charts, their lines), the
sidebar starts collapsed, and the address of the current view is shown with
its QR code so that students open exactly what the teacher shows. The QR code
is made on the server by ``segno`` (pure Python, no network).

The shared address is the one the teacher's browser shows, with two exceptions:

- ``NNVIZ_PUBLIC_URL`` set (e.g. ``https://nnviz.school.example`` for a server
  behind nginx, or ``http://classroom-pc:8501``): the address students use, up
  to the page's name; it always wins.
- The browser opened this computer by a loopback name (``localhost``,
  ``127.x.x.x``, ``::1``): the host becomes this computer's IPv4 address on the
  local network, read from its own network interfaces (nothing is sent), with
  the port and page kept, and the box says so.
"""

from __future__ import annotations

import functools
import io
import ipaddress
import os
import socket
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import segno
import streamlit as st

from nnviz.ui import crash


PARAM = "present"
KEY = "_nnviz.present"

ZOOM = 1.5
FONT_SCALE = 1.8  # 12 px chart text becomes 21.6 px: about 11 px in a 50 % view of a 1280 × 720 screen
TITLE_SCALE = 1.5
LINE_SCALE = 1.75  # Plotly's default 2 px line becomes 3.5 px; thin helper lines stay thinner

# Browser-zoom-like scaling of the page's text and controls. Plotly charts are
# excluded (their hover and clip paths break under CSS zoom): they are enlarged
# on the server instead, see presenter_figure. Rules are scoped to Streamlit's
# own test ids, which are stable across 1.x releases.
PRESENTER_CSS = f"""
<style>
[data-testid="stMain"] {{ zoom: {ZOOM}; }}
[data-testid="stMain"] [data-testid="stPlotlyChart"] {{ zoom: {1 / ZOOM:.6f}; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3rem; max-width: 100%; }}
[data-testid="stMain"] [data-testid="stWidgetLabel"] p {{ font-size: 1.1rem; }}
[data-testid="stMain"] [role="tab"] p {{ font-size: 1.15rem; }}
[data-testid="stMain"] button p {{ white-space: normal; overflow: visible; text-overflow: clip; }}
[data-testid="stSidebar"] {{ zoom: 1.15; }}
</style>
"""

# Every page, both themes: Streamlit's theme draws chart tick labels, axis titles, legends, annotations and
# text labels in a faded grey (#808495 on white: contrast 3.7, under the 4.5 that small text needs). The text
# colour of the page (dark in the light theme, light in the dark one) at 85 % keeps them readable in either
# theme. Coloured notes ("diverged", "converged") keep their colour in their border and in their line.
CHART_TEXT_CSS = """
<style>
[data-testid="stMain"] .js-plotly-plot :is(.xtick, .ytick, .g-xtitle, .g-ytitle, .legendtext, .cbaxis,
  .cbtitle, .gtitle) text, [data-testid="stMain"] .js-plotly-plot :is(.gtitle, .legendtext, .annotation-text),
  [data-testid="stMain"] .js-plotly-plot :is(.textpoint text, .slider-label, .slider-current-value) {
  fill: currentColor !important; fill-opacity: 0.85 !important; }
</style>
"""

# Every page: a display formula wider than its column scrolls sideways instead of being cut at the column's
# edge, with a cue that there is more: a visible scroll bar, and a shade on the side where more of the
# formula is hidden (a scroll-driven animation: from the right edge at the start to the left edge at the end;
# a formula that fits has no scroll timeline, so no shade). On a phone formulas are drawn a little smaller.
FORMULA_CSS = """
<style>
[data-testid="stMain"] .katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 6px;
  scrollbar-width: thin; scrollbar-color: rgba(128,128,128,0.6) transparent;
  animation: nnviz-more-formula linear both; animation-timeline: scroll(self inline); }
@keyframes nnviz-more-formula {
  from { box-shadow: inset -18px 0 14px -12px rgba(128,128,128,0.75); }
  to { box-shadow: inset 18px 0 14px -12px rgba(128,128,128,0.75); } }
/* KaTeX's 2 px spacer (.vlist-s) stuck out of formulas that fit, making them scroll by 2 px (and shaded). */
[data-testid="stMain"] .katex-display > .katex { padding-right: 2px; box-sizing: border-box; }
@media (max-width: 640px) { [data-testid="stMain"] .katex-display > .katex { font-size: 1.05em; } }
</style>
"""

# Every page: a setting's number box is drawn with value=None (so that a number too large for the browser
# reaches the page, see nnviz.ui.settings), which gives it a clear button; a setting is never empty, and
# in a narrow column the button pushed "+" out of sight.
NUMBER_BOX_CSS = """
<style>
[data-testid="stMain"] [data-testid="stNumberInputClearButton"] { display: none; }
</style>
"""

# Every page: Plotly keeps a chart's toolbar (its modebar) drawn at all times on a screen without hover (a
# phone, a tablet), where it sat over the chart's title. There, and on any narrow screen, it shows only
# while the chart is hovered or tapped, as on a laptop.
MODEBAR_CSS = """
<style>
@media (hover: none), (max-width: 640px) {
  [data-testid="stMain"] .js-plotly-plot .modebar-container { visibility: hidden; opacity: 0;
    transition: opacity 0.2s; }
  [data-testid="stMain"] .js-plotly-plot:is(:hover, :focus-within) .modebar-container { visibility: visible;
    opacity: 1; } }
</style>
"""


def is_on() -> bool:
    """Whether this session is in presenter mode (the toggle, first seeded from ``?present=1``)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(PARAM) == "1"
    return bool(st.session_state[KEY])


def presenter_figure(figure) -> go.Figure:
    """A copy of a Plotly figure drawn for a projector: larger fonts, thicker lines, bigger markers."""
    fig = go.Figure(figure)
    layout = fig.layout
    # Explicit sizes everywhere: Streamlit's chart theme sets its own small ones otherwise.
    size = (layout.font.size or 12) * FONT_SCALE
    # Titles grow less than the rest: a long title in a half-width column would be cut off.
    fig.update_layout(font_size=size, title_font_size=(layout.title.font.size or 16) * TITLE_SCALE,
                      legend_font_size=size * 0.9, hoverlabel_font_size=size)
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for annotation in layout.annotations or ():
        if annotation.font.size:
            annotation.font.size *= FONT_SCALE
    for trace in fig.data:
        line = getattr(trace, "line", None)
        if line is not None and "width" in line and trace.type in ("scatter", "scattergl", "scatterpolar"):
            trace.line.width = (2 if line.width is None else line.width) * LINE_SCALE
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and isinstance(textfont.size, (int, float)):
            trace.textfont.size = textfont.size * TITLE_SCALE  # labels inside a diagram: room is tight
        marker = getattr(trace, "marker", None)
        if marker is not None and "size" in marker and isinstance(marker.size, (int, float)):
            trace.marker.size = marker.size * 1.3
    _player_rows(fig, size)
    return fig


# Room, in px, for the ▶ Play / ❚❚ Pause row once its text is enlarged; the step slider goes under it.
PLAYER_ROW = 60


def _player_rows(fig: go.Figure, size: float) -> None:
    """A replay's ▶ / ❚❚ buttons and its step slider at projector size, the slider in a row of its own.

    Side by side, the enlarged buttons ran over the slider's start; the slider's step label kept Plotly's
    13 px. The figure grows by one row at the bottom, so the plot itself keeps its size.
    """
    layout = fig.layout
    players = [menu for menu in layout.updatemenus or ()
               if menu.type == "buttons" and any(b.method == "animate" for b in menu.buttons or ())]
    if not players or not layout.sliders:
        return
    height = layout.height or 450
    margin_t = layout.margin.t if layout.margin.t is not None else 100
    margin_b = layout.margin.b if layout.margin.b is not None else 80
    plot = max(height - margin_t - margin_b, 1)
    fig.update_layout(height=height + PLAYER_ROW, margin_b=margin_b + PLAYER_ROW)
    menu = players[0]
    for player in players:
        player.font.size = size
    buttons_y = menu.y if menu.y is not None else 0.0
    for slider in layout.sliders:
        slider.update(x=0.0, len=1.0, xanchor="left", y=buttons_y - PLAYER_ROW / plot, yanchor="top")
        slider.font.size = size * 0.8
        slider.currentvalue.font.size = size


def _session_on() -> bool:
    try:
        return bool(st.session_state.get(KEY, False))
    except Exception:  # no session (bare mode): leave figures alone
        return False


def _toggled() -> None:
    if st.session_state[KEY]:
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


PUBLIC_URL_ENV = "NNVIZ_PUBLIC_URL"

# The link a student gets must open on their laptop, not only on the teacher's.
LAN_NOTE = ("Students open this address on the same network. If it does not open, use this computer's "
            "address as seen by the class (or set NNVIZ_PUBLIC_URL when starting the server).")
NO_LAN_NOTE = ("This address opens only on this computer. Students need this computer's address on the class "
               "network in its place: `ip -4 addr` (Linux), `ipconfig` (Windows) or System Settings → Network "
               "(macOS) shows it, e.g. 192.168.1.20:8501. Or set NNVIZ_PUBLIC_URL when starting the server.")
LOOPBACK_SERVER_NOTE = ("This server listens on this computer only (server.address is a loopback address): start "
                        "it with `--server.address 0.0.0.0` so that other machines can open it.")

# Interfaces whose addresses classmates on the same network usually cannot reach (containers, VMs, VPNs):
# used only when nothing else has an address.
_VIRTUAL_INTERFACES = ("docker", "br-", "veth", "virbr", "lxc", "cni", "flannel", "vmnet", "vboxnet", "tun",
                       "tap", "wg", "tailscale", "zt")
_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


@dataclass(frozen=True)
class ShareLink:
    """The address a student opens for the current view, and what the teacher should know about it."""
    url: str
    note: str | None = None


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a URL's host name or address) names the computer it is typed on."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _interface_addresses() -> Iterator[tuple[str, str]]:
    """(interface, IPv4 address) of this computer's network interfaces, asked of the kernel (Linux only)."""
    try:
        import fcntl
        names = socket.if_nameindex()
    except (ImportError, OSError):
        return
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # never connected: nothing is sent
        for _, name in names:
            try:
                answer = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:  # an interface without an IPv4 address
                continue
            yield name, socket.inet_ntoa(answer[20:24])


def _host_name_addresses() -> Iterator[tuple[str, str]]:
    """("", IPv4 address) for each address this computer's own name resolves to."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return
    for *_, sockaddr in infos:
        yield "", sockaddr[0]


def _lan_candidates() -> list[str]:
    found = list(_interface_addresses()) or list(_host_name_addresses())
    usable = []
    for name, text in dict.fromkeys(found):
        address = ipaddress.ip_address(text)
        if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
            continue
        virtual = name.startswith(_VIRTUAL_INTERFACES)
        usable.append((virtual, not address.is_private, text))
    return [text for *_, text in sorted(usable, key=lambda item: item[:2])]


@functools.lru_cache(maxsize=1)
def _lan_address_in(minute: int) -> str | None:
    candidates = _lan_candidates()
    return candidates[0] if candidates else None


def lan_address() -> str | None:
    """This computer's IPv4 address on the local network, or None when it has none.

    Read from the network interfaces (Linux), else from the addresses the computer's own
    name resolves to; no packet is sent. A private address on a real interface comes first,
    container and VPN interfaces last. Kept for a minute: a laptop may change networks.
    """
    return _lan_address_in(int(time.monotonic() // 60))


def share_link(base: str | None, path: str, params: dict[str, str], *, public_url: str | None = None,
               lan: str | None = None) -> ShareLink:
    """The address of the current view for a student: page and settings, presenter mode left out.

    ``base`` is the page's address as the browser shows it (``st.context.url``);
    when unknown (no browser, e.g. in tests) the address is relative to the server.
    ``public_url`` (``NNVIZ_PUBLIC_URL``) replaces everything before the page's name.
    When ``base`` names this computer by a loopback name, its host becomes ``lan``
    (this computer's address on the local network) and the note says so; without
    ``lan`` the note says how to find that address.
    """
    query = urlencode({k: v for k, v in params.items() if k != PARAM})
    note = None
    if public_url:
        if "://" not in public_url:
            public_url = "http://" + public_url
        base = public_url.rstrip("/") + "/" + path.lstrip("/")
    elif not base:
        base = "/" + path.lstrip("/")
    else:
        base = base.split("?", 1)[0].split("#", 1)[0]
        parts = urlsplit(base)
        if parts.hostname and is_loopback(parts.hostname):
            try:
                port = parts.port
            except ValueError:  # a malformed port in the Host header: leave the address alone
                port = None
                lan = None
            if lan:
                base = parts._replace(netloc=f"{lan}:{port}" if port else lan).geturl()
                note = LAN_NOTE
            else:
                note = NO_LAN_NOTE
    return ShareLink(f"{base}?{query}" if query else base, note)


def _base_url(page) -> str | None:
    url = st.context.url
    if url:
        return url
    host = st.context.headers.get("Host") if st.context.headers else None
    if host:
        return f"http://{host}/{page.url_path}"
    return None


def _current_link(page) -> ShareLink:
    base = _base_url(page)
    public_url = os.environ.get(PUBLIC_URL_ENV, "").strip() or None
    host = urlsplit(base).hostname if base else None
    lan = lan_address() if host and not public_url and is_loopback(host) else None
    link = share_link(base, page.url_path, st.query_params.to_dict(), public_url=public_url, lan=lan)
    if link.note == LAN_NOTE and _listens_only_here(base):
        link = ShareLink(link.url, f"{LAN_NOTE} {LOOPBACK_SERVER_NOTE}")
    return link


def _listens_only_here(base: str) -> bool:
    """Whether the browser reached this Streamlit server directly while it listens on a loopback address."""
    from streamlit import config

    address = config.get_option("server.address")
    try:
        port = urlsplit(base).port or 80
    except ValueError:
        return False
    return bool(address) and is_loopback(address) and port == config.get_option("server.port")


@functools.lru_cache(maxsize=256)
def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as PNG bytes (medium error correction, a quiet zone of 2 modules)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def _show_address(link: ShareLink) -> None:
    st.code(link.url, language=None, wrap_lines=True)
    if link.note:
        (st.info if link.note == LAN_NOTE else st.warning)(link.note, icon=":material/wifi:")


@st.dialog("Share this view", width="medium")
def _share_dialog(link: ShareLink) -> None:
    st.markdown("Students scan the code or type the address: they get **this page with these settings**.")
    if link.url.startswith("http"):
        st.image(qr_png(link.url), caption="Scan to open this view", width=420, output_format="PNG")
    else:
        st.caption("The QR code needs the page's address, which only a browser reports.")
    _show_address(link)


def share_box(page) -> Callable[[], None]:
    """The current view's address in the sidebar; its QR code, large, in a dialog on request.

    Drawn before the page, so a page that stops on a message (``st.stop()``) still
    has it; returns the function that rewrites the address once the page has run
    (with the settings the page wrote to the URL). In presenter mode a "Share this
    view" button at the top of the page opens the dialog too, so the teacher needs
    no sidebar to show the code. The QR code is only made when asked for: a rerun
    pays nothing for it. A button press reruns the script without changing a
    setting, so the dialog opened here already shows the page's address.
    """
    link = _current_link(page)
    with st.sidebar.expander("Share this view", expanded=is_on(), icon=":material/qr_code_2:"):
        st.caption("Students open exactly this page with these settings:")
        address = st.empty()
        with address.container():
            _show_address(link)
        large = st.button("Show QR code", key="_nnviz.share.large", icon=":material/qr_code_2:",
                          width="stretch")
    if is_on():
        large = st.button("Share this view", key="_nnviz.share.top", icon=":material/qr_code_2:") or large
    if large:
        _share_dialog(link)

    def refresh() -> None:
        now = _current_link(page)
        if now != link:
            with address.container():
                _show_address(now)

    return refresh


def run(page) -> None:
    """Run the navigation's current page inside presenter mode and the share box.

    ``page`` is what ``st.navigation(...)`` returns. The toggle, the style and the
    share box come before the page; the box's address is rewritten after it, so it
    holds the settings the page has just written to the URL. Nothing can be drawn
    after a page's ``st.stop()`` (Streamlit raises ``StopException`` again at every
    later element), hence the box before it.
    """
    is_on()  # seed the toggle's state from the URL before the widget exists
    st.sidebar.toggle("Presenter mode", key=KEY, on_change=_toggled, help="Larger text and charts for a projector; "
                      "the sidebar starts collapsed. Also ?present=1 in the address.")
    st.html(CHART_TEXT_CSS)
    st.html(FORMULA_CSS)
    st.html(NUMBER_BOX_CSS)
    st.html(MODEBAR_CSS)
    if is_on():
        # Navigating between pages drops the query string; keep the mode in the URL.
        if st.query_params.get(PARAM) != "1":
            st.query_params[PARAM] = "1"
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(PRESENTER_CSS)
    refresh_share_box = share_box(page)
    from nnviz.ui import live  # the live class: join box, following banner, teacher's panel

    live.before_page(page.url_path)
    crash.run_page(page)
    refresh_share_box()
