"""A live class on screen: the teacher's panel, the student's join box, following, questions and answers.

The teacher presses **Start a class** (sidebar, any page): the class gets a short code, students open
``/?class=CODE`` (or any page with it) and press **Join**. A joined student follows the teacher: a small
fragment checks the class's version every FOLLOW_SECONDS (from a copy shared by every session of the server
process, read from the store at most every WATCH_SECONDS) and, when the teacher's view changed, takes the
teacher's settings as a link would (every value checked against the page's declarations on the way in):
on the teacher's page already, only the page's sections on screen rerun; on another page, the teacher's opens.
**Explore on my own** detaches; **Follow again** takes the teacher's current view. The teacher's session
publishes its view each time a page writes its settings to the URL (:meth:`nnviz.ui.settings.Page.sync`).

The teacher's key stays in the teacher's session state on the server; a student's browser never sees it,
so nothing a student's page sends can change the class.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections import Counter
from collections.abc import Callable

import streamlit as st

from nnviz.charts import classroom as charts
from nnviz.classroom import questions
from nnviz.classroom.classes import (NICKNAME_CHARS, ClassError, Classroom, NotTheTeacher, Watcher, normal_code,
                                     question_from)
from nnviz.classroom.store import default_store
from nnviz.ui import chart, settings
from nnviz.ui.course import available

STATE = "_nnviz.live"
PAGE = "_nnviz.live.page"  # the page running now: (url path, settings prefix)
PARAM = "class"
FOLLOW_SECONDS = 0.75
TEACHER_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
MAX_NAMES_SHOWN = 60  # nicknames listed on the teacher's screen when asked for
WATCH_SECONDS = 0.2  # how old this process's copy of a class's version may be when a follower checks it
INLINE = "_nnviz.live.inline"  # set while the follower's check runs inside a full run of the page


def room() -> Classroom:
    return Classroom(default_store())


# Every follower session of this process reads the class's version from here: one read of the store per
# class every WATCH_SECONDS, whatever the number of followers.
WATCH = Watcher(room, WATCH_SECONDS)


def _live() -> dict | None:
    return st.session_state.get(STATE)


def _leave(message: str | None = None) -> None:
    st.session_state.pop(STATE, None)
    if PARAM in st.query_params:
        del st.query_params[PARAM]
    if message:
        st.session_state["_nnviz.live.left"] = message


# -- the teacher publishes --------------------------------------------------------------------------
def publish(prefix: str, params: dict[str, str]) -> None:
    """Called by a page each time it writes its settings: a teacher's view becomes the class's."""
    live = _live()
    if not live or live.get("role") != "teacher":
        return
    page = st.session_state.get(PAGE, ("", ""))[0]
    shown = {k: v for k, v in params.items() if k not in ("present", PARAM)}
    try:
        room().show(live["code"], live["key"], page, shown, prefix)
    except (ClassError, NotTheTeacher):
        _leave("The class has ended.")
        return
    WATCH.forget(live["code"])  # this process's followers see the change at their next check


# -- a page's run: called by the app around every page -------------------------------------------
def before_page(url_path: str) -> None:
    """The join box, the follower's banner and the sidebar panel; call before the page runs."""
    st.session_state[PAGE] = (url_path, "")
    live = _live()
    if live and live.get("role") == "teacher" and live.get("reveal_view"):
        # A revealed question's preset opens on the teacher's page too, as on the followers'.
        view = live.pop("reveal_view")
        st.session_state[INLINE] = True  # the page has not run yet: it draws the preset itself
        try:
            _apply(view, live["code"])
        finally:
            st.session_state.pop(INLINE, None)
    left = st.session_state.pop("_nnviz.live.left", None)
    if left:
        st.info(left)
    live = _live()
    code = st.query_params.get(PARAM)
    if live is None and code:
        _join_box(code)
    live = _live()
    from nnviz.ui import presenter

    projecting = live is not None and live["role"] == "teacher" and presenter.is_on()
    # On the projector the class's address, count and answers stand at the top of the page, where everyone sees them.
    with (st.container(border=True) if projecting else st.sidebar.container(border=True)):
        st.markdown(":material/groups: **Live class**")
        if live is None:
            st.caption("Lead the class through the course: students follow your page and settings, "
                       "answer questions, and see the answer happen.")
            st.button("Start a class", key="_nnviz.live.start", on_click=_start, width="stretch")
        elif live["role"] == "teacher":
            _teacher_panel(live, wide=projecting)
        else:
            st.caption(f"You are in class {live['code']}.")
            st.button("Leave the class", key="_nnviz.live.leave", on_click=_leave, width="stretch")
    if live is not None and live["role"] == "student":
        # The banner is drawn in full runs only: the once-a-second check below draws nothing unless asked.
        banner, button = st.columns([4, 1])
        if live["following"]:
            banner.info(f"Following the teacher (class {live['code']}).", icon=":material/visibility:")
            button.button("Explore on my own", key="_nnviz.live.detach", on_click=_set_following, args=(False,),
                          width="stretch")
        else:
            banner.info(f"Exploring on your own (class {live['code']}).", icon=":material/explore:")
            button.button("Follow again", key="_nnviz.live.follow", on_click=_set_following, args=(True,),
                          width="stretch")
        # Inside a full run the page has not run yet: a change of the teacher's settings is taken in place
        # and the page draws it, with no second run.
        st.session_state[INLINE] = True
        try:
            _follower()
        finally:
            st.session_state.pop(INLINE, None)


def _start() -> None:
    try:
        code, key = room().start()
    except ClassError as err:
        st.session_state["_nnviz.live.left"] = str(err)
        return
    st.session_state[STATE] = {"role": "teacher", "code": code, "key": key}


def _join_box(raw_code: str) -> None:
    try:
        code = normal_code(raw_code)
        room().record(code)  # the class exists (else a message says why)
    except ClassError as err:
        st.warning(str(err))
        return
    with st.container(border=True):
        st.markdown(f"#### Join class {code}")
        st.caption("Your teacher leads the class: your page follows theirs until you choose to explore. "
                   "No name is needed; a nickname is optional (your teacher may show the class's "
                   "nicknames), and your answers are anonymous.")
        left, right = st.columns([3, 1])
        nickname = left.text_input("Nickname (optional)", key="_nnviz.live.nickname", max_chars=NICKNAME_CHARS)
        right.button("Join", key="_nnviz.live.join", on_click=_join, args=(code, nickname), type="primary",
                     width="stretch")


def _join(code: str, nickname: str) -> None:
    try:
        member = room().join(code, st.session_state.get("_nnviz.live.nickname", nickname))
    except ClassError as err:
        st.session_state["_nnviz.live.left"] = str(err)
        return
    st.session_state[STATE] = {"role": "student", "code": code, "member": member, "following": True,
                               "seen": None, "beat": 0.0}


# -- the student ----------------------------------------------------------------------------------
def _apply(view: dict, code: str) -> None:
    """Open the teacher's page with the teacher's settings, as the teacher's link would."""
    prefix = view.get("prefix", "")
    here = st.session_state.get(PAGE, ("", ""))[0]
    page = settings.PAGES.get(prefix)
    if view.get("page") == here and page is not None and here:
        # Already on that page: take its values, each checked against its declaration (a value that does not
        # fit keeps the default), and rerun only what shows them.
        params = view.get("params", {})
        changed = []
        for name in page.declared:
            value = getattr(page.defaults, name)
            if name in params:
                try:
                    value = page.link_value(name, [params[name]])
                except ValueError:
                    pass
            key = page.key(name)
            if key not in st.session_state or st.session_state[key] != value:
                st.session_state[key] = value
                changed.append(name)
        if changed and not st.session_state.get(INLINE):
            page.rerun_showing(changed)
        return
    if prefix:
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix + ".")]:
            del st.session_state[key]
        st.session_state.get(settings.STORE_KEY, {}).pop(prefix, None)
    files = {lesson.url_path: lesson.file for lesson in available()}
    file = files.get(view.get("page", ""))
    if file is None:
        return
    st.switch_page(f"lessons/{file}", query_params={**view.get("params", {}), PARAM: code})


@st.fragment(run_every=FOLLOW_SECONDS)
def _follower() -> None:
    live = _live()
    if not live:
        return
    import time

    code = live["code"]
    latest = WATCH.latest(code)
    if latest is None:
        _leave("The class has ended. Thank you for taking part!")
        st.rerun()
    version, record = latest
    now = time.time()
    if now - live.get("beat", 0.0) > HEARTBEAT_SECONDS:
        live["beat"] = now
        try:
            room().heartbeat(code, live["member"], live["following"])
        except ClassError:
            pass
    view = None
    if version != live.get("seen"):
        live["seen"] = version
        live["question"] = record.get("question")
        live["revealed"] = record.get("revealed", False)
        live["sweep"] = record.get("sweep")
        live["play"] = record.get("play")
        view = record.get("view")
        if not live["following"] or not view or view == live.get("applied"):
            view = None
    _question_for_student(live)
    _sweep_for_student(live, room())
    if view is not None:
        # Last, after the check's own output: the sections' rerun it may ask for follows this run.
        live["applied"] = view
        _apply(view, code)
    if _play_waiting(live) and not st.session_state.get(INLINE) and live.get("play_asked") != live["play"]:
        # The training page takes the teacher's Play or Pause in its own full run (play_along); asked once, so
        # a page that stops before taking it (a message in place of its run) is not rerun again and again.
        live["play_asked"] = live["play"]
        st.rerun()


# -- a page that trains: the teacher's Play and Pause -----------------------------------------------
def play_along(on: bool, run: str | None, reset: Callable[[], None], play: Callable[[bool], None]) -> None:
    """Called by a training page in each full run, before it makes its run.

    The teacher's Play and Pause (``on``, of the run named ``run``) become the class's. A following student's
    page takes them: Play of a run it has not started yet resets its own copy first (``reset``), so it starts
    from the teacher's settings and seed, which it already follows; then ``play(on)``. The teacher's run is
    not re-run for anyone: each follower trains its own copy in its own session.
    """
    live = _live()
    if not live:
        return
    page = st.session_state.get(PAGE, ("", ""))[0]
    if live["role"] == "teacher":
        state = {"page": page, "on": bool(on), "run": str(run or "")}
        if live.get("played") != state:
            try:
                room().play(live["code"], live["key"], page, state["on"], state["run"])
            except (ClassError, NotTheTeacher):
                return
            live["played"] = state
            WATCH.forget(live["code"])
        return
    if not _play_waiting(live):  # a follower on the page of the teacher's last Play or Pause, not yet taken
        return
    state = live["play"]
    if state["on"] and (live.get("played") or {}).get("run") != state["run"]:
        reset()
    play(state["on"])
    live["played"] = state


def _play_waiting(live: dict) -> bool:
    """A following student's page has not yet taken the teacher's last Play or Pause on the page it shows."""
    state = live.get("play")
    here = st.session_state.get(PAGE, ("", ""))[0]
    return bool(live.get("following") and state and state.get("page") == here and state != live.get("played"))


# -- a class sweep: one cell for each student ------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Sweep:
    """A sweep a page offers: each student's session runs ``result(params)`` with its own value of ``setting``."""

    page: str
    prefix: str
    setting: str
    values: tuple[str, ...]  # empty: the setting's own stops (a log slider's), from the page's declaration
    button: str
    help: str
    label: str  # the teacher's chart's title
    x_title: str
    y_title: str
    cell: str  # "your learning rate is η = {cell}" said to the student
    measure: str  # "your final cost C − C_min is {result}"
    result: Callable[[dict], float]
    log_x: bool = True
    opens: dict | None = None  # the student's page opens at its cell, with these params too (None: it stays as it is)


def _sweep(data: dict | None) -> Sweep | None:
    """The page's sweep a class's running sweep is (None: none runs, or one this version does not know)."""
    if not data:
        return None
    return next((s for s in SWEEPS if s.page == data.get("page") and s.setting == data.get("setting")), None)


def _sweep_for_student(live: dict, classroom: Classroom) -> None:
    """A running sweep gives this student one cell: their result goes in (and their page shows that run)."""
    sweep = live.get("sweep")
    kind = _sweep(sweep)
    if kind is None:
        return
    code = live["code"]
    done = live.setdefault("swept", {})
    key = str((sweep["page"], sweep["setting"], tuple(sweep["values"])))
    if key not in done:
        cell = classroom.sweep_cell(code, live["member"])
        if cell is None:
            return
        view = live.get("applied") or {}
        params = {**(view.get("params", {}) if view.get("page") == kind.page else {}), kind.setting: cell}
        result = kind.result(params)
        try:
            classroom.sweep_result(code, live["member"], cell, result)
        except ClassError:
            return  # the teacher started another sweep meanwhile: the next check takes its cell
        done[key] = (cell, result)
        if kind.opens is not None:
            live["applied"] = {"page": kind.page, "prefix": kind.prefix, "params": {**params, **kind.opens}}
            _apply(live["applied"], code)
    cell, result = done[key]
    shown = "diverged" if not math.isfinite(result) else f"{result:.3g}"
    st.caption(f"Class sweep: your {kind.cell.format(cell=cell)}; your {kind.measure} is {shown}. "
               "Your teacher's chart shows the whole room's.")


def sweep_result(params: dict) -> float:
    """The final C − C_min of plain gradient descent with the view's cost, start, steps and η (inf: diverged)."""
    from nnviz import descent, surfaces

    cost = params.get("cost", "parabola")
    if cost not in surfaces.NAMES_1D:
        cost = "parabola"
    surface = surfaces.get(cost)
    try:
        w0 = float(params.get("w0", surface.start[0]))
        steps = int(float(params.get("steps", 30)))
        lr = float(params["lr"])
        run = descent.run(cost, "sgd", (w0,), min(max(steps, 1), 200), learning_rate=lr)
    except (ValueError, KeyError):
        return math.inf
    return math.inf if run.diverged else float(descent.cost_gap(run, surface)[-1])


# A cell's run: PLAYGROUND_EPOCHS, fewer when the batches are small (at most PLAYGROUND_STEPS steps, about a
# quarter of a CPU second for the page's largest network); every cell of a sweep runs as many (the teacher's settings).
PLAYGROUND_EPOCHS = 40
PLAYGROUND_STEPS = 6000


def playground_result(params: dict) -> float:
    """The final test loss of the playground's run with the view's settings (inf: diverged).

    Each value is checked against the page's declaration, as a link's would be (one that does not fit keeps
    its default); an uploaded data set stays on the teacher's laptop, so the circle stands in for it, as on
    the page before a file is chosen.
    """
    from nnviz import playground as pg

    page = settings.PAGES.get("playground")
    if page is None:
        return math.inf
    values = {}
    for name in page.declared:
        if name in params:
            try:
                values[name] = page.link_value(name, [str(params[name])])
            except ValueError:
                pass
    s = dataclasses.replace(page.defaults, **values)
    dataset = "circle" if s.dataset == "upload" else s.dataset
    try:
        data = pg.make_data(dataset, noise=s.noise / 100, train_fraction=s.train_percent / 100, seed=s.seed,
                            n_classes=s.n_classes)
        config = dataclasses.replace(pg.Config.from_settings(s), stop_epoch=0, patience=0)
        config.validate()
        trainer = pg.Trainer(config, data)
        steps = -(-len(data.X_train) // max(int(config.batch_size), 1))
        trainer.run(max(1, min(PLAYGROUND_EPOCHS, PLAYGROUND_STEPS // max(steps, 1))))
    except ValueError:
        return math.inf
    loss = float(trainer.metrics[1])
    return math.inf if trainer.diverged_at is not None or not math.isfinite(loss) else loss


def _set_following(following: bool) -> None:
    live = _live()
    if live:
        live["following"] = following
        live["beat"] = 0.0
        if following:
            live["applied"] = None  # take the teacher's current view (and Play or Pause) again
            live["played"] = None
            live["seen"] = None


def _question_for_student(live: dict) -> None:
    data = live.get("question")
    if not data:
        return
    question = question_from(data)
    with st.container(border=True):
        st.markdown("**Question from your teacher**")
        st.text(question.text)
        answered = live.get("answered", {}).get(question.id)
        if live.get("revealed"):
            verdict = "" if answered is None else (" You were right." if question.check(answered)
                                                   else " Your answer was different: see why on the page.")
            st.success(f"The answer: {question.shown_answer()}.{verdict}")
            if question.kind == "point":
                chart.show(charts.curve_points(question.curves, [tuple(answered)] if answered else [],
                                               tuple(question.answer)),
                           key=f"_nnviz.live.curves.{question.id}", config={"displayModeBar": False})
            return
        key = f"_nnviz.live.answer.{question.id}"
        if question.kind == "choice":
            st.radio("Your answer", list(question.options), key=key, index=None)
        elif question.kind == "point":
            _point_answer(question)
        else:
            st.text_input("Your answer (a number)", key=key, max_chars=40)
        st.button("Send my answer", key=f"_nnviz.live.send.{question.id}", on_click=_send, args=(question.id,))
        if answered is not None:
            st.caption("Answer sent; you can change it until your teacher reveals the answer.")
        error = live.pop("answer_error", None)
        if error:
            st.error(error)


def _point_answer(question) -> None:
    """A click on a curve picks the run and the epoch; the two boxes below show (and can set) them."""
    key = f"_nnviz.live.answer.{question.id}"
    chart.show(charts.curve_points(question.curves, clickable=True), key=f"{key}.chart",
               on_select=functools.partial(_clicked, question.id), selection_mode="points",
               config={"displayModeBar": False})
    left, right = st.columns([2, 1])
    left.selectbox("Run", list(question.options), key=f"{key}.run", index=None)
    longest = max((len(v) for v in question.curves.values()), default=1)
    right.number_input("from epoch", 1, max(longest, 1), step=1, key=f"{key}.epoch", value=None)


def _clicked(question_id: str) -> None:
    """A point clicked on the question's chart becomes the answer's run and epoch."""
    key = f"_nnviz.live.answer.{question_id}"
    event = st.session_state.get(f"{key}.chart") or {}
    points = (event.get("selection") or {}).get("points") or []
    live = _live()
    data = (live or {}).get("question") or {}
    runs = list(data.get("options", ()))
    if not points or data.get("id") != question_id:
        return
    point = points[0]
    run = point.get("customdata")
    if isinstance(run, list):
        run = run[0] if run else None
    if run not in runs and isinstance(point.get("curve_number"), int) and point["curve_number"] < len(runs):
        run = runs[point["curve_number"]]
    try:
        epoch = int(round(float(point.get("x"))))
    except (TypeError, ValueError):
        return
    if run in runs:
        st.session_state[f"{key}.run"] = run
        st.session_state[f"{key}.epoch"] = epoch


def _send(question_id: str) -> None:
    live = _live()
    if not live:
        return
    key = f"_nnviz.live.answer.{question_id}"
    raw = st.session_state.get(key)
    if f"{key}.run" in st.session_state:  # a question on curves: the run and the epoch
        run, epoch = st.session_state.get(f"{key}.run"), st.session_state.get(f"{key}.epoch")
        raw = None if run is None or epoch is None else [run, int(epoch)]
    if raw is None or raw == "":
        live["answer_error"] = "Pick or type an answer first."
        return
    try:
        value = room().answer(live["code"], live["member"], question_id, raw)
    except ClassError as err:
        live["answer_error"] = str(err)
        return
    live.setdefault("answered", {})[question_id] = value


# -- the teacher ----------------------------------------------------------------------------------
def class_link(code: str):
    """The address students open to join: the server's home page with ``?class=CODE``, reachable from their laptops."""
    import os
    from urllib.parse import urlsplit

    from nnviz.ui import presenter

    url = st.context.url
    base = None
    if url:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}/"
    public_url = os.environ.get(presenter.PUBLIC_URL_ENV, "").strip() or None
    host = urlsplit(base).hostname if base else None
    lan = presenter.lan_address() if host and not public_url and presenter.is_loopback(host) else None
    return presenter.share_link(base, "", {PARAM: code}, public_url=public_url, lan=lan)


def _teacher_panel(live: dict, wide: bool = False) -> None:
    """The class's code, QR code and address, the live count and answers, and the teacher's buttons.

    ``wide`` (presenter mode): in three columns across the top of the page instead of down the sidebar.
    """
    from nnviz.ui import presenter

    code = live["code"]
    link = class_link(code)
    join, count, controls = st.columns([1, 1.4, 1]) if wide else (st.container(), st.container(), st.container())
    with join:
        st.markdown(f"## Class {code}")
        if link.url.startswith("http"):
            # On a projector (whose zoom draws it at 240 px) a 160 px code scans from the room; a fixed size keeps
            # the panel from growing taller than the screen on a wider one.
            st.image(presenter.qr_png(link.url), caption="Students scan this, or type the address",
                     width=160 if wide else 200, output_format="PNG")
        st.code(link.url, language=None, wrap_lines=True)
        if link.note and not wide:
            st.caption(link.note)
    with count:
        _teacher_live()
    with controls:
        page = st.session_state.get(PAGE, ("", ""))[0]
        bank = questions.for_page(page)
        if bank:
            texts = [q["text"] for q in bank]
            st.selectbox("A question on this page", texts, key="_nnviz.live.bank")
            st.button("Ask this question", key="_nnviz.live.ask", on_click=_ask_from_bank, args=(page,),
                      width="stretch")
        with st.popover("Ask your own question", width="stretch"):
            st.text_input("Question", key="_nnviz.live.own.text", max_chars=300)
            st.text_area("Options, one per line", key="_nnviz.live.own.options", height=110)
            st.button("Ask", key="_nnviz.live.own.ask", on_click=_ask_own)
        st.button("Reveal the answer", key="_nnviz.live.reveal", on_click=_reveal, width="stretch")
        for sweep in SWEEPS:
            if sweep.page == page:
                key = "_nnviz.live.sweep" if sweep is SWEEPS[0] else f"_nnviz.live.sweep.{page}.{sweep.setting}"
                st.button(sweep.button, key=key, on_click=_start_sweep, args=(sweep,), width="stretch",
                          help=sweep.help)
        st.button("End class", key="_nnviz.live.end", on_click=_end, width="stretch")
        error = live.pop("error", None)
        if error:
            st.error(error)


@st.fragment(run_every=TEACHER_SECONDS)
def _teacher_live() -> None:
    """Students joined and following, and the open question's answers gathering (refreshed each second)."""
    live = _live()
    if not live:
        return
    classroom = room()
    try:
        record = classroom.record(live["code"])
        joined, following = classroom.presence(live["code"])
    except ClassError:
        st.caption("This class has ended.")
        return
    st.markdown(f"**{joined}** joined · **{following}** following")
    from nnviz.ui import presenter

    # On a projector the count, the question and its answers come first, the nicknames' switch under them:
    # above them it pushed the count off a 720 px screen once the answers' chart was in view.
    if presenter.is_on():
        _teacher_tally(live, classroom, record, joined)
        _nicknames(live, classroom)
    else:
        _nicknames(live, classroom)
        _teacher_tally(live, classroom, record, joined)


def _nicknames(live: dict, classroom: Classroom) -> None:
    # Nicknames stay off the projector unless the teacher chooses to show them; answers are never linked to them.
    if st.toggle("Show nicknames", key="_nnviz.live.names", help="The nicknames students typed (if any), "
                 "listed here for everyone who sees this screen. Answers stay anonymous."):
        names = sorted(n for n in classroom.members(live["code"]).values() if n)
        listed = ", ".join(names[:MAX_NAMES_SHOWN])
        more = f" and {len(names) - MAX_NAMES_SHOWN} more" if len(names) > MAX_NAMES_SHOWN else ""
        st.text(f"{listed}{more}" if names else "No nicknames typed.")


def _teacher_tally(live: dict, classroom: Classroom, record: dict, joined: int) -> None:
    """The class sweep's results and the open question's answers so far."""
    sweep = record.get("sweep")
    kind = _sweep(sweep)
    if kind is not None:
        results = classroom.sweep_results(live["code"])
        st.markdown(f"**Sweep: {len(results)} of {len(sweep['values'])} cells in**")
        values = [float(v) for v, _ in results]
        chart.show(charts.sweep(values, [r for _, r in results], kind.x_title, kind.y_title,
                                title=sweep.get("label") or "The class sweep", log_x=kind.log_x),
                   key="_nnviz.live.sweep_chart", config={"displayModeBar": False})
    data = record.get("question")
    if not data:
        return
    question = question_from(data)
    answers = list(classroom.answers(live["code"], question.id).values())
    st.text(question.text)
    st.markdown(f"**answered {len(answers)} of {joined}**")
    revealed = record.get("revealed", False)
    if revealed:
        right = sum(1 for a in answers if question.check(a))
        st.text(f"The answer: {question.shown_answer()} ({right} of {len(answers)} right)")
    if question.kind == "choice":
        counts = Counter(answers)
        figure = charts.answers(question.options, [counts.get(o, 0) for o in question.options],
                                question.answer if revealed else None)
    elif question.kind == "point":
        figure = charts.curve_points(question.curves, [tuple(a) for a in answers],
                                     tuple(question.answer) if revealed else None, title="The class's clicks")
    else:
        figure = charts.numbers([float(a) for a in answers], question.answer if revealed else None)
    chart.show(figure, key="_nnviz.live.tally", config={"displayModeBar": False})


SWEEP_PAGE = "gradient_descent"
SWEEP_RATES = tuple(f"{10 ** (k / 4):.3g}" for k in range(-12, 3))  # η from 0.001 to 3.16, four per decade
PLAYGROUND_SEEDS = tuple(str(seed) for seed in range(30))
SWEEPS = (
    Sweep(SWEEP_PAGE, "gd", "lr", SWEEP_RATES, "Class sweep: one η each",
          "Each student's page runs plain gradient descent on the One weight tab with its own learning rate from "
          "a log grid; your chart gathers the final costs: the range test, run by the whole room.",
          "Final cost after the steps, against each student's η", "learning rate η", "final C(w) − C_min",
          "learning rate is η = {cell}", "final cost C − C_min", sweep_result,
          opens={"section": "One weight"}),
    Sweep("playground", "playground", "seed", PLAYGROUND_SEEDS, "Class sweep: one seed each",
          f"Each student's session trains your network at your settings for a short run (up to "
          f"{PLAYGROUND_EPOCHS} epochs), with its own seed (its own data and first weights); your chart gathers "
          "the final test losses: how much one run's luck counts.", "Test loss after a short run, against each "
          "student's seed", "seed", "final test loss", "seed is {cell}", "test loss after a short run",
          playground_result, log_x=False),
    Sweep("playground", "playground", "learning_rate", (), "Class sweep: one η each",
          f"Each student's session trains your network at your settings for a short run (up to "
          f"{PLAYGROUND_EPOCHS} epochs), with its own learning rate from the page's log scale; your chart gathers "
          "the final test losses: the range test, run by the whole room.", "Test loss after a short run, against "
          "each student's η", "learning rate η", "final test loss", "learning rate is η = {cell}",
          "test loss after a short run", playground_result),
)


def _teacher_state() -> dict | None:
    """This session's class when it leads one (a button pressed after the class ended finds none)."""
    live = _live()
    return live if live and live.get("role") == "teacher" else None


def _start_sweep(sweep: Sweep = SWEEPS[0]) -> None:
    live = _teacher_state()
    if live is None:
        return
    try:
        values = sweep.values or tuple(f"{v:g}" for v in settings.PAGES[sweep.prefix].declared[sweep.setting].stops)
        room().start_sweep(live["code"], live["key"], sweep.page, sweep.setting, values, sweep.label)
    except (ClassError, NotTheTeacher) as err:
        live["error"] = str(err)
    WATCH.forget(live["code"])


def _ask_from_bank(page: str) -> None:
    live = _teacher_state()
    if live is None:
        return
    text = st.session_state.get("_nnviz.live.bank")
    for item in questions.for_page(page):
        if item["text"] == text:
            if item["kind"] == "point":
                try:
                    item = questions.overfit_question(_runs_on_screen())
                except (ValueError, OSError) as err:
                    live["error"] = str(err)
                    return
            _ask(live, item["text"], item["kind"], item.get("options", ()), item.get("answer"),
                 item.get("tolerance", 0.0), item.get("preset"), item.get("curves"))


def _runs_on_screen() -> dict[str, dict]:
    """The runs the teacher's Loss curves page shows: each one's losses per epoch and its baseline."""
    from nnviz.keras.runs import RunStore

    store = RunStore()
    runs = {}
    for name in st.session_state.get("curves.runs", []):
        history, _ = store.history(name)
        runs[name] = {"loss": history.get("loss", []), "val_loss": history.get("val_loss", []),
                      "baseline": store.get(name).config.get("baseline_loss")}
    return runs


def _ask_own() -> None:
    live = _teacher_state()
    if live is None:
        return
    options = [line for line in str(st.session_state.get("_nnviz.live.own.options", "")).splitlines() if line.strip()]
    _ask(live, st.session_state.get("_nnviz.live.own.text", ""), "choice", options, None, 0.0, None)


def _ask(live, text, kind, options, answer, tolerance, preset, curves=None) -> None:
    try:
        room().ask(live["code"], live["key"], text, kind, options, answer, tolerance, preset, curves)
    except (ClassError, NotTheTeacher) as err:
        live["error"] = str(err)
    WATCH.forget(live["code"])


def _reveal() -> None:
    live = _teacher_state()
    if live is None:
        return
    try:
        question = room().reveal(live["code"], live["key"])
    except (ClassError, NotTheTeacher) as err:
        live["error"] = str(err)
        return
    finally:
        WATCH.forget(live["code"])
    if question.preset:
        # The teacher's own page shows the experiment too, as the followers' pages do.
        live["reveal_view"] = {"page": question.preset.get("page", ""), "prefix": question.preset.get("prefix", ""),
                               "params": question.preset.get("params", {})}


def _end() -> None:
    live = _teacher_state()
    if live is None:
        return
    try:
        room().end(live["code"], live["key"])
    except (ClassError, NotTheTeacher):
        pass
    WATCH.forget(live["code"])
    _leave("The class has ended; its answers are deleted.")
