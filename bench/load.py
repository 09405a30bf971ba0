"""A class of simulated students: Streamlit sessions driven over its WebSocket protocol.

Each simulated student does what a browser does (Streamlit 1.67's frontend):
fetch the page (cookies), open ``/_stcore/stream`` with the ``streamlit``
subprotocol and the XSRF token, send a ``rerun_script`` BackMsg with the page
name and the URL, then read ForwardMsgs until ``script_finished``. Moving a
slider is another ``rerun_script`` carrying the slider's new value in
``widget_states`` (``double_array_value`` for ``st.slider``,
``string_array_value`` for ``st.select_slider``), the current page's script
hash and the query string the page last wrote, exactly as the frontend does.
A playing playground's canvas asks for each batch of frames with its ``tick``
trigger once the last batch has arrived, as its JavaScript does.
Widgets the harness has not touched are left out of ``widget_states``; the
server then keeps their values, as it does for a browser.

The harness is bounded (at most :data:`MAX_SESSIONS` sessions and
:data:`MAX_SECONDS` seconds) and talks to loopback addresses only.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import random
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Common_pb2 import FileUploaderState, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

MAX_SESSIONS = 200
MAX_FRAMES = 45  # the most frames the playground's canvas asks for in one batch
FIRST_WANT = 10  # and before it has measured its link
MAX_SECONDS = 600
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SCRIPT_TIMEOUT = 60.0


def run(coroutine):
    """``asyncio.run`` in a thread of its own, so that it works where a loop already runs
    (Playwright's sync API keeps one running in the test process)."""
    import threading

    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the caller
            result["error"] = exc

    thread = threading.Thread(target=target, name="nnviz-load")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"the load harness only talks to loopback addresses, not {host!r}")


@dataclass
class Widget:
    """A widget the server has drawn, with what the harness needs to change it."""

    id: str
    kind: str  # "slider", "select_slider", "button", "toggle", ...
    label: str
    proto: object = None


@dataclass
class Stats:
    """What a load run measured; every duration in seconds."""

    first_render: list = field(default_factory=list)
    rerun: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    sessions_opened: int = 0


class Session:
    """One simulated student on one page; with ``rate`` (bytes/s) set, one who reads the WebSocket no faster."""

    rate = 0.0

    def __init__(self, base_url: str, page: str, query: str = "", seed: int = 0, loopback_only: bool = True):
        if loopback_only:
            check_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.query = query.lstrip("?")
        self.rng = random.Random(seed)
        self.widgets: dict[str, Widget] = {}
        self.exceptions: list[str] = []
        self.error_alerts: list[str] = []
        self.media: list[str] = []  # URLs of images the page showed (served from the process's memory)
        self.texts: list[str] = []  # markdown, headings and code shown, for tests
        self.menu: list[str] = []  # the navigation's page names
        self.page_script_hash = ""
        self.session_id = ""
        self.states: dict[str, WidgetState] = {}
        self._finished: asyncio.Queue = asyncio.Queue()  # script_finished statuses, run starts, None when closed
        self.lost_ends = 0  # full runs whose script_finished Streamlit dropped (see _rerun)
        self.runs: list[tuple[float, tuple]] = []  # each run begun: when, and its fragments (none: a full run)
        self._ws = None
        self._reader = None
        self._ticks: dict[str, asyncio.Task] = {}
        self.ticks_sent = 0
        self.deflated = 0  # batches that came compressed (the server judged the link slow)
        self._pull = {"seq": 0, "outstanding": 0, "sent_at": 0.0, "sent": {}, "want": FIRST_WANT, "link": 0.0,
                      "timer": None}
        self._tasks: set = set()
        self._closing = False
        self._file_urls: dict[str, asyncio.Future] = {}  # file_urls_request ids awaiting their response

    @property
    def ticking(self) -> set[str]:
        """The fragments this page asks the server to rerun by itself (``st.fragment(run_every=...)``)."""
        return set(self._ticks)

    # -- connection -----------------------------------------------------------------
    def _fetch_cookies(self) -> str:
        """GET the page as a browser does first; returns the Cookie header (XSRF, nginx stickiness)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        # The page, then what the frontend asks before connecting (it sets the XSRF cookie).
        for target in (url, f"{self.base_url}/_stcore/health", f"{self.base_url}/_stcore/host-config"):
            with opener.open(target, timeout=30) as response:
                response.read()
        self.cookies = {c.name: c.value for c in jar}
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def open(self) -> float:
        """Open the page; returns the seconds until its first render finished."""
        import websockets

        start = time.perf_counter()
        cookie = await asyncio.to_thread(self._fetch_cookies)
        parsed = urlparse(self.base_url)
        protocols = ["streamlit"]
        if "_streamlit_xsrf" in self.cookies:
            protocols.append(self.cookies["_streamlit_xsrf"])
        self._ws = await websockets.connect(
            f"ws://{parsed.netloc}/_stcore/stream",
            subprotocols=protocols,
            origin=f"{parsed.scheme}://{parsed.netloc}",
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=None, open_timeout=30, ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read())
        await self._rerun([], page_name=self.page)
        return time.perf_counter() - start

    async def close(self) -> None:
        """Close the tab: the WebSocket goes away as when a student closes the browser tab."""
        self._closing = True  # a batch still arriving asks for nothing more
        for task, _ in self._ticks.values():
            task.cancel()
        self._cancel_pull()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    # -- messages -------------------------------------------------------------------
    async def _read(self) -> None:
        import websockets

        try:
            async for data in self._ws:
                if self.rate:  # a student on a slow network: the message's time on the link
                    await asyncio.sleep(len(data) / self.rate)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self._finished.put_nowait(None)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.config = msg.new_session.config
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
            fragments = tuple(msg.metadata.run.fragment_ids)
            self.runs.append((time.perf_counter(), fragments))
            self._finished.put_nowait(("started", fragments))
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            self.menu = [page.page_name for page in msg.navigation.app_pages]
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished":
            self._finished.put_nowait(msg.script_finished)
        elif kind == "file_urls_response":
            waiting = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(msg.file_urls_response)
        elif kind == "auto_rerun":
            # st.fragment(run_every=...): the browser, not the server, sends each tick. Like Streamlit's
            # frontend (App.handleAutoRerun), keep the timer if the interval is the same, else replace it.
            fragment_id, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            ticking = self._ticks.get(fragment_id)
            if ticking is None or ticking[1] != interval:
                if ticking is not None:
                    ticking[0].cancel()
                self._ticks[fragment_id] = (asyncio.create_task(self._tick(fragment_id, interval)), interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids or list(self._ticks):
                ticking = self._ticks.pop(fragment_id, None)
                if ticking:
                    ticking[0].cancel()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            self._element(element)
            if element.WhichOneof("type") == "bidi_component" and element.bidi_component.bytes:
                self._canvas(element.bidi_component, msg.delta.fragment_id)

    # -- the playground's canvas: it asks for each batch (nnviz/ui/playground_canvas.js) ---------------
    def _canvas(self, proto, fragment_id: str) -> None:
        """A batch arrived: plan the next request as the canvas's JavaScript does (``plan`` there)."""
        blob = proto.bytes
        n = int.from_bytes(blob[:4], "little")
        header = json.loads(blob[4:4 + n])
        now = time.perf_counter()
        self.deflated += bool(header.get("deflate"))
        pull = self._pull
        if self._closing:
            return
        if header.get("next") is None:
            self._cancel_pull()
            pull["outstanding"] = 0
            pull["sent"].clear()
            return
        interval = header["next"]
        answers = header.get("answers")
        if answers in pull["sent"]:  # an answer to one of its requests (an older one too)
            sent_at = pull["sent"][answers]
            pull["sent"] = {k: v for k, v in pull["sent"].items() if k > answers}
            link = pull["link"] = max(0.0, now - sent_at - header.get("server_ms", 0.0) / 1000)
            frames = len(header["frames"])
            if link > 0.5 * interval and frames:
                pull["want"] = max(1, min(MAX_FRAMES, int(frames * 0.5 * interval / link)))
            elif link < 0.25 * interval:
                pull["want"] = min(MAX_FRAMES, pull["want"] + max(1, -(-pull["want"] // 2)))
            if answers != pull["outstanding"]:
                return  # the newest request's answer plans the next
            pull["outstanding"] = 0
        elif pull["outstanding"]:
            return  # a full rerun's batch while the request is on its way: its answer plans the next
        self._cancel_pull()
        delay = max(0.0, pull["sent_at"] + interval - now)
        trigger = trigger_id(proto.id)
        pull["timer"] = asyncio.get_running_loop().call_later(delay, self._spawn, trigger, fragment_id)

    def _spawn(self, trigger_id: str, fragment_id: str) -> None:
        if self._closing:
            return
        task = asyncio.ensure_future(self._ask(trigger_id, fragment_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ask(self, trigger_id: str, fragment_id: str) -> None:
        import websockets

        pull = self._pull
        pull["seq"] += 1
        pull["outstanding"] = pull["seq"]
        pull["sent_at"] = pull["sent"][pull["seq"]] = time.perf_counter()
        value = json.dumps([{"event": "tick", "value": {"n": pull["seq"], "frames": pull["want"], "link": pull["link"]}}])
        try:
            await self._ws.send(self._rerun_msg([*self.states.values(),
                                                 WidgetState(id=trigger_id, json_trigger_value=value)],
                                                fragment_id=fragment_id))
            self.ticks_sent += 1
        except websockets.ConnectionClosed:
            pass

    def _cancel_pull(self) -> None:
        if self._pull.get("timer") is not None:
            self._pull["timer"].cancel()
            self._pull["timer"] = None

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.error_alerts.append(element.alert.body)
        elif kind == "imgs":
            self.media.extend(img.url for img in element.imgs.imgs)
        elif kind in ("markdown", "heading", "code"):
            proto = getattr(element, kind)
            self.texts.append(getattr(proto, "body", "") or getattr(proto, "code_text", ""))
        elif kind == "slider":
            proto = element.slider
            name = "select_slider" if proto.type == Slider.SELECT_SLIDER else "slider"
            self.widgets[proto.id] = Widget(proto.id, name, proto.label, proto)
        elif kind == "button":
            self.widgets[element.button.id] = Widget(element.button.id, "button", element.button.label,
                                                     element.button)
        elif kind == "checkbox":
            self.widgets[element.checkbox.id] = Widget(element.checkbox.id, "toggle", element.checkbox.label,
                                                       element.checkbox)
        elif kind == "radio":
            self.widgets[element.radio.id] = Widget(element.radio.id, "radio", element.radio.label, element.radio)
        elif kind == "selectbox":
            self.widgets[element.selectbox.id] = Widget(element.selectbox.id, "selectbox", element.selectbox.label,
                                                        element.selectbox)
        elif kind == "file_uploader":
            self.widgets[element.file_uploader.id] = Widget(element.file_uploader.id, "file_uploader",
                                                            element.file_uploader.label, element.file_uploader)

    def _rerun_msg(self, widgets: list[WidgetState], page_name: str = "", fragment_id: str = "",
                   auto: bool = False) -> bytes:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.widget_states.widgets.extend(widgets)
        client.page_script_hash = self.page_script_hash
        client.page_name = page_name
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        client.context_info.CopyFrom(ContextInfo(
            timezone="UTC", timezone_offset=0, locale="en-US", is_embedded=False, color_scheme="light",
            url=f"{self.base_url}/{self.page}",
        ))
        return msg.SerializeToString()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        import websockets

        try:
            while True:
                await asyncio.sleep(interval)
                await self._ws.send(self._rerun_msg(list(self.states.values()), fragment_id=fragment_id,
                                                    auto=True))
                self.ticks_sent += 1
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass

    async def _rerun(self, changed: list[WidgetState], page_name: str = "") -> float:
        """Send one ``rerun_script`` as the frontend does and wait for the run to finish."""
        for state in changed:
            if state.WhichOneof("value") != "trigger_value":
                self.states[state.id] = state
        data = self._rerun_msg(list(self.states.values())
                               + [s for s in changed if s.WhichOneof("value") == "trigger_value"], page_name)
        while not self._finished.empty():  # a late message from a run the harness did not start
            self._finished.get_nowait()
        self.exceptions.clear()
        start = time.perf_counter()
        await self._ws.send(data)
        began = False  # the full run this message asked for has started
        while True:
            # One deadline for the whole wait: a playing playground's fragment runs finish all the time.
            left = SCRIPT_TIMEOUT - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"no script_finished for this run within {SCRIPT_TIMEOUT:.0f} s")
            finished = await asyncio.wait_for(self._finished.get(), left)
            if finished is None:
                raise ConnectionError("the server closed the WebSocket")
            if isinstance(finished, tuple):
                fragments = finished[1]
                if not fragments:
                    began = True
                elif began:
                    # A fragment run began before the full run said it finished: Streamlit dropped that
                    # message (the fragment's request came just after the run ended, AppSession started a new
                    # ScriptRunner and ignores the old one's late events). The browser moves on too.
                    self.lost_ends += 1
                    break
                continue
            if finished not in (ForwardMsg.FINISHED_EARLY_FOR_RERUN,
                                       ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                break
        elapsed = time.perf_counter() - start
        if finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise RuntimeError("the page did not compile")
        if self.exceptions:
            raise RuntimeError(f"the page raised {self.exceptions[0]}")
        return elapsed

    # -- what a student does ------------------------------------------------------
    def sliders(self) -> list[Widget]:
        return [w for w in self.widgets.values() if w.kind in ("slider", "select_slider")
                and not w.proto.disabled]

    def _slider_state(self, widget: Widget) -> WidgetState:
        proto = widget.proto
        state = WidgetState(id=widget.id)
        if widget.kind == "select_slider":
            count = len(proto.default)
            picks = sorted(self.rng.randrange(len(proto.options)) for _ in range(count))
            state.string_array_value.data.extend(proto.options[i] for i in picks)
            return state
        steps = max(int(round((proto.max - proto.min) / proto.step)), 1) if proto.step else 100
        count = max(len(proto.default), 1)
        values = sorted(proto.min + self.rng.randint(0, steps) * (proto.step or (proto.max - proto.min) / 100)
                        for _ in range(count))
        values = [round(min(v, proto.max), 10) for v in values]
        if proto.data_type in (Slider.INT,):
            values = [float(round(v)) for v in values]
        state.double_array_value.data.extend(values)
        return state

    async def move_slider(self) -> float:
        """Move one slider (chosen at random) to a random position; returns the rerun's seconds."""
        sliders = self.sliders()
        if not sliders:
            raise LookupError(f"/{self.page} has no slider")
        return await self._rerun([self._slider_state(self.rng.choice(sliders))])

    def _widget(self, kind: str, label: str) -> Widget:
        for widget in reversed(list(self.widgets.values())):
            if widget.kind == kind and label in widget.label:
                return widget
        raise LookupError(f"/{self.page} has no {kind} labelled {label!r}")

    async def choose(self, label: str, option: str) -> float:
        """Pick ``option`` on the select slider or radio labelled ``label`` (or containing it); the run's seconds."""
        try:
            widget = self._widget("select_slider", label)
            state = WidgetState(id=widget.id)
            state.string_array_value.data.append(option)
        except LookupError:
            widget = self._widget("radio", label)
            if option not in widget.proto.options:
                raise LookupError(f"{label!r} has no option {option!r}") from None
            state = WidgetState(id=widget.id, string_value=option)  # Streamlit 1.67 sends the option itself
        return await self._rerun([state])

    def options(self, label: str) -> list[str]:
        """The options of the select slider or radio labelled ``label`` (or containing it)."""
        for kind in ("select_slider", "radio"):
            try:
                return list(self._widget(kind, label).proto.options)
            except LookupError:
                continue
        raise LookupError(f"/{self.page} has no choice labelled {label!r}")

    async def select(self, label: str, option: str) -> float:
        """Pick ``option`` in the select box labelled ``label`` (or containing it); the run's seconds.

        ``option`` is the option as shown, or a part of it that only one option contains.
        """
        widget = self._widget("selectbox", label)
        shown = list(widget.proto.options)
        if option not in shown:
            near = [o for o in shown if option.lower() in o.lower()]
            if len(near) != 1:
                raise LookupError(f"{label!r} has no option {option!r} (it has {shown})")
            option = near[0]
        return await self._rerun([WidgetState(id=widget.id, string_value=option)])  # the option as shown

    async def upload(self, label: str, name: str, data: bytes) -> float:
        """Upload ``data`` as the file ``name`` to the file uploader labelled ``label`` (or containing it), as
        Streamlit 1.67's frontend does; returns the seconds of the rerun that follows.

        The frontend asks for an upload URL (BackMsg ``file_urls_request``, answered by a ForwardMsg
        ``file_urls_response``), PUTs the file there as a multipart form (one part named after the file, the
        XSRF token in the ``X-Xsrftoken`` header beside its cookie), then reruns with the widget's
        ``file_uploader_state_value``. Unlike a browser, the harness checks neither the file's extension nor
        its size first: the server's own checks are what it meets. A refused PUT raises
        :class:`UploadRefused` (the browser shows the error on the widget and does not rerun).
        """
        widget = self._widget("file_uploader", label)
        request_id = f"nnviz-load-{len(self._file_urls)}-{time.perf_counter_ns()}"
        waiting = asyncio.get_running_loop().create_future()
        self._file_urls[request_id] = waiting
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self._ws.send(msg.SerializeToString())
        try:
            response = await asyncio.wait_for(waiting, SCRIPT_TIMEOUT)
        finally:
            self._file_urls.pop(request_id, None)
        if response.error_msg:
            raise UploadRefused(0, response.error_msg)
        urls = response.file_urls[0]
        await asyncio.to_thread(self._put_file, urls.upload_url, name, data)
        info = UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data))
        info.file_urls.CopyFrom(urls)
        state = WidgetState(id=widget.id)
        state.file_uploader_state_value.CopyFrom(FileUploaderState(uploaded_file_info=[info]))
        return await self._rerun([state])

    async def remove_upload(self, label: str) -> float:
        """Remove the file from the uploader labelled ``label``, as its ✕ does: the file's DELETE, then a rerun
        with the widget's state emptied; returns the rerun's seconds."""
        widget = self._widget("file_uploader", label)
        state = self.states.get(widget.id)
        if state is not None and state.WhichOneof("value") == "file_uploader_state_value":
            for info in state.file_uploader_state_value.uploaded_file_info:
                if info.file_urls.delete_url:
                    await asyncio.to_thread(self._http, info.file_urls.delete_url, "DELETE", b"", {})
        emptied = WidgetState(id=widget.id)
        emptied.file_uploader_state_value.CopyFrom(FileUploaderState())
        return await self._rerun([emptied])

    def _put_file(self, upload_url: str, name: str, data: bytes) -> None:
        """The browser's ``PUT`` of a ``FormData`` holding the file (``formData.append(name, file, name)``)."""
        # A browser escapes these three in a multipart name (the HTML standard's form encoding).
        quoted = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode()
        boundary = f"----nnvizLoad{random.Random(len(data)).getrandbits(64):016x}"
        kind = "text/csv" if name.lower().endswith(".csv") else "application/octet-stream"
        body = b"".join([
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="' + quoted + b'"; filename="' + quoted + b'"\r\n',
            f"Content-Type: {kind}\r\n\r\n".encode(), data, f"\r\n--{boundary}--\r\n".encode(),
        ])
        self._http(upload_url, "PUT", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def _http(self, path: str, method: str, body: bytes, headers: dict) -> None:
        """One request as the frontend's ``csrfRequest``: the session's cookies and its XSRF token as a header."""
        import urllib.error

        base = urlparse(self.base_url)
        url = path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"  # as the frontend joins them
        if urlparse(url).netloc != base.netloc:
            raise ValueError(f"{url!r} is not on the server this session talks to")
        headers = {**headers, "Origin": f"{base.scheme}://{base.netloc}"}
        if getattr(self, "cookies", None):
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if "_streamlit_xsrf" in self.cookies:
                headers["X-Xsrftoken"] = self.cookies["_streamlit_xsrf"]
        request = urllib.request.Request(url, data=body or None, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=SCRIPT_TIMEOUT) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            raise UploadRefused(error.code, error.read().decode(errors="replace")) from None

    async def forge(self, widget_id: str) -> float:
        """Send a button press for a widget this session was never shown (what a hostile page could send)."""
        return await self._rerun([WidgetState(id=widget_id, trigger_value=True)])

    def _button(self, label: str) -> Widget:
        for widget in self.widgets.values():
            if widget.kind == "button" and label == widget.label:
                return widget
        for widget in self.widgets.values():
            if widget.kind == "button" and label in widget.label:
                return widget
        raise LookupError(f"/{self.page} has no button {label!r}")

    async def click(self, label: str) -> float:
        """Click the button labelled ``label`` (or containing it) and wait for the run to finish."""
        return await self._rerun([WidgetState(id=self._button(label).id, trigger_value=True)])

    async def press(self, label: str) -> None:
        """Click a button and do not wait: its run may last long (a training)."""
        widget = self._button(label)
        await self._ws.send(self._rerun_msg(list(self.states.values())
                                            + [WidgetState(id=widget.id, trigger_value=True)]))


class UploadRefused(RuntimeError):
    """The server refused an upload (the HTTP status, 0 when it gave no URL, and its answer)."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"upload refused ({status}): {detail[:300]}")
        self.status, self.detail = status, detail


def trigger_id(component_id: str) -> str:
    """The widget id under which a v2 component's trigger values travel (Streamlit 1.67's naming)."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    return _make_trigger_id(component_id, "events")


# -- servers to load ------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90.0, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer its health check within {timeout:.0f} s")


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class Server:
    """nnviz served on loopback for a load run or a test, stopped on exit.

    ``workers=0`` runs one plain ``streamlit run app.py`` (what ``make run`` does);
    ``workers=N`` runs ``scripts/serve.sh`` (what ``make serve`` does): N
    Streamlit processes behind nginx.
    """

    def __init__(self, workers: int = 0, env: dict | None = None, root=None, app: str = "app.py"):
        from pathlib import Path

        self.app = app
        self.root = Path(root or Path(__file__).resolve().parents[1])
        self.workers = workers
        self.env = {**os.environ, **(env or {})}
        self.proc = None

    def __enter__(self) -> "Server":
        import subprocess
        import sys
        import tempfile

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()
        if self.workers:
            self._dir = tempfile.mkdtemp(prefix="nnviz-serve-")
            base = free_port()
            # serve.sh uses ports base .. base+N-1; take them from a quiet high range near a free one.
            env = {**self.env, "NNVIZ_WORKERS": str(self.workers), "NNVIZ_LISTEN": "127.0.0.1",
                   "NNVIZ_PORT": str(self.port), "NNVIZ_BASE_PORT": str(base),
                   "NNVIZ_SERVE_DIR": self._dir, "NNVIZ_PYTHON": sys.executable}
            self.proc = subprocess.Popen(["bash", str(self.root / "scripts" / "serve.sh")], cwd=self.root,
                                         env=env, stdout=self._log, stderr=subprocess.STDOUT)
            self.upstreams = [f"http://127.0.0.1:{base + i}" for i in range(self.workers)]
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", self.app, "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=self.root, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
            self.upstreams = [self.url]
        try:
            for upstream in self.upstreams:
                wait_healthy(upstream, proc=self.proc)
            wait_healthy(self.url, proc=self.proc)
            if not self.workers and self.app == "app.py":  # serve.sh warms its processes up itself
                run(warm_up(self.url))
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def pids(self) -> list[int]:
        return descendants(self.proc.pid)

    def __exit__(self, *exc) -> None:
        import subprocess

        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                for pid in reversed(self.pids()):
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass
                self.proc.wait(5)


# -- server CPU -----------------------------------------------------------------------
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by the processes ``pids`` (Linux /proc)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICKS
        except (OSError, IndexError, ValueError):
            pass
    return total


class CpuMeter:
    """Average cores used by some processes between start() and stop()."""

    def __init__(self, pids):
        self.pids = list(pids)

    def start(self) -> None:
        self._cpu, self._wall = cpu_seconds(self.pids), time.perf_counter()

    def stop(self) -> float:
        wall = time.perf_counter() - self._wall
        return (cpu_seconds(self.pids) - self._cpu) / wall if wall > 0 else 0.0


# -- scenarios --------------------------------------------------------------------------
def _bounded(sessions: int, seconds: float) -> None:
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be between 1 and {MAX_SESSIONS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"a load run lasts at most {MAX_SECONDS} s")


async def sliders(base_url: str, pages: list[str], sessions: int, interval: float, duration: float,
                  arrival: float = 5.0, seed: int = 0, sequential: bool = False) -> Stats:
    """``sessions`` students, each on one of ``pages`` (round robin), moving a slider every
    ``interval`` seconds (first move at a random moment) for ``duration`` seconds.

    ``sequential``: the sessions take turns (one rerun in flight at a time), the
    latency floor of the machine.
    """
    _bounded(sessions, duration + arrival)
    stats = Stats()
    rng = random.Random(seed)
    end = time.perf_counter() + arrival + duration
    if sequential:
        opened = []
        try:
            for i in range(sessions):
                session = Session(base_url, pages[i % len(pages)], seed=seed * 1000 + i)
                opened.append(session)
                stats.first_render.append(await session.open())
            while time.perf_counter() < end:
                for session in opened:
                    stats.rerun.append(await session.move_slider())
        except Exception as exc:
            stats.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            for session in opened:
                await session.close()
        return stats

    async def student(i: int) -> None:
        await asyncio.sleep(rng.uniform(0, arrival))
        session = Session(base_url, pages[i % len(pages)], seed=seed * 1000 + i)
        try:
            stats.first_render.append(await session.open())
            stats.sessions_opened += 1
            await asyncio.sleep(session.rng.uniform(0, interval))
            while time.perf_counter() + 0.0 < end:
                tick = time.perf_counter()
                stats.rerun.append(await session.move_slider())
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))
        except Exception as exc:  # every failure is counted, the run goes on
            stats.errors.append(f"/{session.page}: {type(exc).__name__}: {exc}")
        finally:
            await session.close()

    await asyncio.gather(*(student(i) for i in range(sessions)))
    return stats


async def arrivals(base_url: str, pages: list[str], sessions: int, window: float, seed: int = 0) -> Stats:
    """``sessions`` students opening a page within ``window`` seconds; measures the first render."""
    _bounded(sessions, window + SCRIPT_TIMEOUT)
    stats = Stats()
    rng = random.Random(seed)
    opened: list[Session] = []

    async def student(i: int) -> None:
        await asyncio.sleep(rng.uniform(0, window))
        session = Session(base_url, pages[i % len(pages)], seed=i)
        opened.append(session)
        try:
            stats.first_render.append(await session.open())
            stats.sessions_opened += 1
        except Exception as exc:
            stats.errors.append(f"/{session.page}: {type(exc).__name__}: {exc}")

    await asyncio.gather(*(student(i) for i in range(sessions)))
    await asyncio.gather(*(s.close() for s in opened))
    return stats


async def busy_class(base_url: str, pages: list[str], sessions: int, playgrounds: int, trainings: int,
                     interval: float, duration: float, seed: int = 0) -> tuple[Stats, dict]:
    """Slider moves on ``pages`` while ``playgrounds`` playgrounds play and ``trainings`` Keras
    trainings run: the rest of the class must stay quick."""
    _bounded(sessions + playgrounds + trainings, duration + 10)
    background: list[Session] = []
    info = {"playgrounds": 0, "trainings": 0, "errors": [], "ticks": 0, "deflated": 0}

    async def start(page: str, button: str, i: int, wait: bool) -> None:
        session = Session(base_url, page, seed=seed + i)
        background.append(session)
        try:
            await session.open()
            await (session.click(button) if wait else session.press(button))
            info["trainings" if page == "keras_training" else "playgrounds"] += 1
        except Exception as exc:  # counted, the class goes on
            info["errors"].append(f"/{page} {button}: {type(exc).__name__}: {exc}")

    try:
        for i in range(trainings):
            await start("keras_training", "Train", i, wait=False)
        await asyncio.gather(*(start("playground", "▶ Play", 100 + i, wait=True) for i in range(playgrounds)))
        stats = await sliders(base_url, pages, sessions, interval=interval, duration=duration, seed=seed)
        info["ticks"] = sum(s.ticks_sent for s in background)
        info["deflated"] = sum(s.deflated for s in background)
    finally:
        await asyncio.gather(*(s.close() for s in background))
    return stats, info


async def freed_after_close(base_url: str, page: str, button: str, pids, busy_seconds: float = 4.0,
                            idle_cores: float = 0.15, limit: float = 30.0) -> dict:
    """Start work on ``page`` (click ``button``), close the tab, and time until the server is idle.

    Returns the cores used while working, and the seconds from closing the
    WebSocket until the server's CPU falls below ``idle_cores`` (measured in
    0.5 s windows), or None if it never does within ``limit`` seconds.
    """
    session = Session(base_url, page, seed=1)
    await session.open()
    await session.press(button)
    meter = CpuMeter(pids)
    meter.start()
    await asyncio.sleep(busy_seconds)
    busy = meter.stop()
    closed = time.perf_counter()
    await session.close()
    freed = None
    while time.perf_counter() - closed < limit:
        meter.start()
        await asyncio.sleep(0.5)
        if meter.stop() < idle_cores:
            freed = time.perf_counter() - closed
            break
    return {"busy_cores": busy, "freed_after_s": freed}


# -- warm-up ----------------------------------------------------------------------------
async def warm_up(url: str) -> None:
    """Open the home page once, so that the first measured session does not pay for the imports."""
    session = Session(url, "", loopback_only=False)  # one visit to the machine's own server
    try:
        await session.open()
    finally:
        await session.close()


if __name__ == "__main__":
    import sys

    if len(sys.argv) >= 3 and sys.argv[1] == "warm":
        for target in sys.argv[2:]:
            run(warm_up(target))
    else:
        sys.exit("usage: python -m bench.load warm URL [URL ...]")
