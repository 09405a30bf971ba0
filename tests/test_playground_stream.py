"""The playground's stream over a real server: the browser asks for each batch, none comes unasked.

A student whose link is slower than the stream must not fall behind: Streamlit
drops a connection whose send queue reaches 500 messages. So the server sends a
batch only when the canvas asks (its ``tick`` trigger), with at most the frames
it asks for. These tests speak Streamlit's WebSocket protocol to a real
``streamlit run`` (bench/load.py), the first with a canvas that asks only when
the test says so, the second with one that reads at 60 KB/s and asks as the
canvas's JavaScript does.
"""

from __future__ import annotations

import asyncio
import json
import time
import zlib

import pytest

from bench.load import Server, Session, trigger_id, run
from streamlit.proto.WidgetStates_pb2 import WidgetState

QUERY = "dataset=spiral&hidden=8,8"


@pytest.fixture(scope="module")
def server():
    with Server() as s:
        yield s


def split(blob: bytes) -> tuple[dict, bytes]:
    """A canvas payload's JSON header and its binary part (as sent: compressed when the header says so)."""
    n = int.from_bytes(blob[:4], "little")
    return json.loads(blob[4:4 + n]), blob[4 + n:]


def header_of(proto) -> dict:
    return split(proto.bytes)[0]


class Recorder(Session):
    """Records every batch the canvas gets; asks for one only when told to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches: list[dict] = []
        self.canvas = None

    def _canvas(self, proto, fragment_id: str) -> None:
        self.batches.append(header_of(proto))
        self.canvas = (proto.id, fragment_id)

    async def ask(self, n: int, frames: int) -> dict:
        """Send the canvas's request ``n`` and return the batch that answers it."""
        component_id, fragment_id = self.canvas
        value = json.dumps([{"event": "tick", "value": {"n": n, "frames": frames, "link": 0.0}}])
        await self._ws.send(self._rerun_msg([*self.states.values(),
                                             WidgetState(id=trigger_id(component_id), json_trigger_value=value)],
                                            fragment_id=fragment_id))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answers = [b for b in self.batches if b["answers"] == n]
            if answers:
                return answers[0]
            await asyncio.sleep(0.05)
        raise TimeoutError(f"request {n} got no batch")


def test_a_playing_canvas_gets_a_batch_only_when_it_asks(server):
    async def scenario():
        s = Recorder(server.url, "playground", query=QUERY)
        await s.open()
        assert s.batches[-1]["next"] is None  # paused: nothing to ask for
        await s.click("Play")
        first = s.batches[-1]
        assert first["next"] == pytest.approx(0.33) and first["answers"] is None and first["history"] is not None
        seen = len(s.batches)
        await asyncio.sleep(1.5)  # five tick intervals: no timer sends batches the canvas did not ask for
        assert len(s.batches) == seen
        answer = await s.ask(7, frames=2)
        assert 1 <= len(answer["frames"]) <= 2 and answer["next"] == pytest.approx(0.33)
        assert answer["deflate"] is False  # a fast link: the bytes cost nothing, compressing would
        assert answer["history"] is None  # the canvas has it already
        assert answer["frames"][-1]["epoch"] > first["frames"][-1]["epoch"]
        more = await s.ask(8, frames=45)
        assert len(more["frames"]) > 2 and len(s.batches) == seen + 2
        await s.click("Pause")
        assert s.batches[-1]["next"] is None and s.batches[-1]["history"] is not None
        await s.close()

    run(scenario())


async def until(condition, what: str, deadline: float = 240.0) -> None:
    """Wait until ``condition()`` holds; a generous deadline, so only a stream that stopped fails."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"waited {deadline:.0f} s for {what}")
        await asyncio.sleep(0.1)


class SlowReader(Session):
    """Reads the WebSocket no faster than ``rate`` bytes/s; its canvas asks as the JavaScript does."""

    rate = 60e3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arrivals: list[tuple[float, dict]] = []

    def _canvas(self, proto, fragment_id: str) -> None:
        self.arrivals.append((time.monotonic(), header_of(proto)))
        self.last_blob = proto.bytes
        super()._canvas(proto, fragment_id)


def test_a_slow_reader_asks_for_fewer_frames_and_keeps_getting_batches(server):
    async def scenario():
        s = SlowReader(server.url, "playground", query=QUERY)
        await s.open()
        await s.click("Play")
        # Waited for, not slept for: a slow machine gives a slow pass. First the canvas settles on its link's
        # pace, then six more batches must come (a reader that had fallen behind would see nothing more).
        await until(lambda: s._pull["want"] <= 2, "the canvas to ask for two frames or fewer")
        settled = len(s.arrivals)
        await until(lambda: len(s.arrivals) >= settled + 6, "six batches after the canvas settled")
        arrivals = list(s.arrivals)
        await s.close()
        return arrivals[settled:], s._pull["want"], s.last_blob

    late, want, blob = run(scenario())
    # A batch of frames is about 20 KB: at 60 KB/s the canvas asks for one or two at a time, and batches keep
    # coming, each answering a request (not the backlog of earlier ones).
    late = [h for _, h in late]
    assert want <= 2
    assert len(late) >= 6 and all(len(h["frames"]) <= 2 for h in late[1:])
    assert all(h["answers"] is not None for h in late)
    epochs = [h["frames"][-1]["epoch"] for h in late]
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
    # The link, not the server, is the bottleneck: its batches come compressed, about half the bytes.
    assert all(h["deflate"] for h in late[1:])
    header, packed = split(blob)
    body = zlib.decompress(packed)
    last = header["frames"][-1]
    assert len(body) >= last["offset"] + header["res"] ** 2 and len(packed) < 0.7 * len(body)


class PathRecorder(Recorder):
    """Also records where each of a run's elements goes: (delta path, kind of delta)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths: list[tuple[tuple[int, ...], str]] = []

    def _handle(self, msg) -> None:
        if msg.WhichOneof("type") == "delta":
            self.paths.append((tuple(msg.metadata.delta_path), msg.delta.WhichOneof("type")))
        super()._handle(msg)


def test_the_run_after_play_replaces_everything_the_paused_page_showed(server):
    """The browser removes what a full run did not write when that run's end arrives; Streamlit sometimes drops that
    message (a canvas request arriving just as the run ends: AppSession starts a new ScriptRunner and ignores the
    old one's last events, as its own comment on request_rerun says). Seen 2 times in 120 simulated Play clicks under
    load. So the page leaves nothing to that clean-up: every place the paused run filled, the run after Play
    rewrites, or replaces a parent of with a single element (an st.empty)."""
    async def scenario():
        s = PathRecorder(server.url, "playground", query=QUERY)
        await s.open()
        await s.click("Step")  # a history, a confusion matrix, downloads: the paused page's extras
        paused, s.paths = s.paths, []
        await s.click("Play")
        playing, s.paths = s.paths, []
        await s.click("Pause")
        await s.close()
        return paused, playing

    paused, playing = run(scenario())
    written = {path for path, _ in playing}
    replaced = {path for path, kind in playing if kind == "new_element"}
    assert written and paused
    left = sorted({path for path, _ in paused
                   if path not in written and not any(path[:k] in replaced for k in range(1, len(path)))})
    assert not left, f"the run after Play leaves {len(left)} of the paused page's places to the browser's clean-up"
