"""A live class: the teacher's view that students follow, questions and their answers, a class sweep.

Pure Python over a :mod:`nnviz.classroom.store` (no Streamlit). The teacher holds a secret key; the store
keeps only its hash, and every change to a class asks for the key, so a student's session cannot drive
the class whatever it sends. Answers are anonymous (a random member id, an optional nickname); ending a
class deletes everything it held; a class left idle expires by itself.

Keys in the store, for class ``CODE``: ``class:CODE`` (the record), ``members:CODE`` (member id → nickname),
``answers:CODE:QID`` (member id → answer), ``sweep:CODE`` (member id → cell), ``results:CODE`` (member id →
result).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from nnviz.classroom.store import Store

# No look-alikes: no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V.
ALPHABET = "ACDEFHJKMNPRTWXY"
CODE_LENGTH = 4
IDLE_SECONDS = 3 * 3600  # a class nobody touched for this long is gone
NICKNAME_CHARS = 24
QUESTION_CHARS = 300
OPTION_CHARS = 80
MAX_OPTIONS = 6
MAX_MEMBERS = 500
MAX_SWEEP_CELLS = 200
MAX_EPOCHS = 1000  # of each curve of a question on loss curves


class ClassError(ValueError):
    """Something a teacher or a student asked for that cannot be done; the message says why, in words."""


class NotTheTeacher(PermissionError):
    """A change to a class asked without the teacher's key."""


@dataclass(frozen=True)
class Question:
    """A question to the class: choices (one is right) or a number (right within a tolerance)."""

    id: str
    text: str
    kind: str  # "choice", "number" or "point" (a run and an epoch, clicked on a chart of loss curves)
    options: tuple = ()  # a choice's options; a point question's runs
    answer: Any = None  # an option, a number, or [run, epoch]
    tolerance: float = 0.0  # a number's, or a point's in epochs
    preset: dict = field(default_factory=dict)  # {"page": url path, "params": {...}} applied on Reveal
    curves: dict = field(default_factory=dict)  # a point question's curves: run → value per epoch

    def check(self, value: Any) -> bool:
        """Whether ``value`` (already read by :func:`read_answer`) is right."""
        if self.kind == "number":
            return abs(float(value) - float(self.answer)) <= self.tolerance
        if self.kind == "point":
            return value[0] == self.answer[0] and abs(int(value[1]) - int(self.answer[1])) <= self.tolerance
        return value == self.answer

    def shown_answer(self) -> str:
        """The right answer in words."""
        if self.kind == "number":
            return f"{float(self.answer):.4g}"
        if self.kind == "point":
            return f"{self.answer[0]}, from epoch {self.answer[1]}"
        return str(self.answer)


def question_from(data: dict) -> Question:
    return Question(data["id"], data["text"], data["kind"], tuple(data.get("options", ())), data.get("answer"),
                    float(data.get("tolerance", 0.0)), dict(data.get("preset") or {}), dict(data.get("curves") or {}))


def plain_text(text: Any, limit: int) -> str:
    """One line of text, control characters removed, cut to ``limit`` characters (shown as text, never markup)."""
    cleaned = "".join(ch for ch in str(text) if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(cleaned.split())[:limit]


def normal_code(code: Any) -> str:
    """A typed join code as stored (upper case, spaces gone); ``ClassError`` when it cannot be one."""
    text = re.sub(r"\s+", "", str(code)).upper()[:16]
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        # The typed text is not echoed: it could be anything.
        raise ClassError(f"That is not a class code: a code is {CODE_LENGTH} letters such as KXTW.")
    return text


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def read_answer(question: Question, raw: Any) -> Any:
    """A student's answer as the question wants it; ``ClassError`` in words when it is not one."""
    if question.kind == "number":
        text = str(raw).strip().replace(",", ".").replace("−", "-")
        try:
            value = float(text)
        except ValueError:
            raise ClassError(f"“{plain_text(raw, 20)}” is not a number.") from None
        if not math.isfinite(value):
            raise ClassError("Type a finite number.")
        return value
    if question.kind == "point":
        if not isinstance(raw, (list, tuple)) or len(raw) != 2 or raw[0] not in question.options:
            raise ClassError("Click a point on one of the curves (or pick a run and an epoch).")
        try:
            epoch = int(raw[1])
        except (TypeError, ValueError):
            raise ClassError("The epoch is a whole number.") from None
        epochs = len(question.curves.get(raw[0], ()))
        if not 1 <= epoch <= epochs or epoch != raw[1]:
            raise ClassError(f"The run {raw[0]} has epochs 1 to {epochs}.")
        return [raw[0], epoch]
    if raw not in question.options:
        raise ClassError("Pick one of the options.")
    return raw


class Classroom:
    """Every operation on live classes, over one shared store."""

    def __init__(self, store: Store, clock=time.time) -> None:
        self.store = store
        self.clock = clock

    # -- the class itself ---------------------------------------------------------------------------
    def start(self) -> tuple[str, str]:
        """A new class; returns its join code and the teacher's secret key (keep it in the teacher's session)."""
        key = secrets.token_urlsafe(24)
        for _ in range(50):
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            record = {"teacher": _hash(key), "started": self.clock(), "view": None, "question": None,
                      "revealed": False, "sweep": None}
            if self.store.put_new(f"class:{code}", record, IDLE_SECONDS):
                self.store.put(f"version:{code}", 0, IDLE_SECONDS)
                return code, key
        raise ClassError("No free class code right now; try again.")

    def record(self, code: str) -> dict:
        """The class's record; ``ClassError`` when the code is unknown or the class has ended or expired."""
        code = normal_code(code)
        record = self.store.get(f"class:{code}")
        if record is None:
            raise ClassError(f"There is no class {code} (it may have ended). Check the code with your teacher.")
        return record

    def _teacher(self, code: str, key: str) -> dict:
        record = self.record(code)
        if not key or not hmac.compare_digest(record["teacher"], _hash(str(key))):
            raise NotTheTeacher("Only the teacher's session can change the class.")
        return record

    def _save(self, code: str, record: dict) -> int:
        """Store the record and bump the version followers watch; every key of the class lives on."""
        code = normal_code(code)
        self.store.put(f"class:{code}", record, IDLE_SECONDS)
        return self.store.incr(f"version:{code}", IDLE_SECONDS)

    def end(self, code: str, key: str) -> None:
        """End the class: its record, members, answers and sweep results are deleted."""
        record = self._teacher(code, key)
        code = normal_code(code)
        keys = [f"class:{code}", f"version:{code}", f"members:{code}", f"presence:{code}", f"sweep:{code}",
                f"results:{code}"]
        for qid in record.get("asked", []):
            keys.append(f"answers:{code}:{qid}")
        self.store.delete(*keys)

    def version(self, code: str) -> int | None:
        """The class's change counter (cheap: what a follower checks each second); None when it is gone."""
        value = self.store.get(f"version:{normal_code(code)}")
        return None if value is None else int(value)

    # -- students -------------------------------------------------------------------------------------
    def join(self, code: str, nickname: str = "") -> str:
        """A student joins; returns an anonymous member id. The nickname is optional, plain and short."""
        code = normal_code(code)
        self.record(code)
        if self.store.hlen(f"members:{code}") >= MAX_MEMBERS:
            raise ClassError(f"Class {code} is full ({MAX_MEMBERS} students).")
        member = secrets.token_hex(6)
        self.store.hset(f"members:{code}", member, plain_text(nickname, NICKNAME_CHARS), IDLE_SECONDS)
        return member

    def members(self, code: str) -> dict[str, str]:
        return self.store.hgetall(f"members:{normal_code(code)}")

    def heartbeat(self, code: str, member: str, following: bool) -> None:
        """A student's page says it is open, and whether it follows the teacher (every few seconds)."""
        code = normal_code(code)
        if member in self.members(code):
            self.store.hset(f"presence:{code}", member, [self.clock(), bool(following)], IDLE_SECONDS)

    def presence(self, code: str, within: float = 30.0) -> tuple[int, int]:
        """(students joined, students following now): following means a heartbeat within ``within`` seconds."""
        code = normal_code(code)
        now = self.clock()
        beats = self.store.hgetall(f"presence:{code}").values()
        return self.store.hlen(f"members:{code}"), sum(1 for t, following in beats if following and now - t <= within)

    # -- the teacher's view ---------------------------------------------------------------------------
    def show(self, code: str, key: str, page: str, params: dict[str, str], prefix: str = "") -> int:
        """The teacher's page and its settings (as the URL holds them) become what followers see.

        ``prefix`` names the page's settings in a session (a follower clears them before taking these).
        """
        record = self._teacher(code, key)
        view = {"page": str(page), "prefix": str(prefix), "params": {str(k): str(v) for k, v in params.items()}}
        if record.get("view") == view:
            return self.version(code) or 0
        record["view"] = view
        return self._save(code, record)

    def view(self, code: str) -> dict | None:
        return self.record(code).get("view")

    # -- questions ------------------------------------------------------------------------------------
    def ask(self, code: str, key: str, text: str, kind: str = "choice", options=(), answer=None,
            tolerance: float = 0.0, preset: dict | None = None, curves: dict | None = None) -> Question:
        """Put a question to the class (the previous one closes).

        A ``"point"`` question names its runs in ``options``, gives each run's curve in ``curves`` (run → value per
        epoch) and its answer as ``[run, epoch]``, right within ``tolerance`` epochs.
        """
        record = self._teacher(code, key)
        text = plain_text(text, QUESTION_CHARS)
        if not text:
            raise ClassError("A question needs some text.")
        if kind == "choice":
            options = tuple(dict.fromkeys(plain_text(o, OPTION_CHARS) for o in options if plain_text(o, OPTION_CHARS)))
            if len(options) < 2:
                raise ClassError("A multiple-choice question needs at least two different options.")
            if len(options) > MAX_OPTIONS:
                raise ClassError(f"At most {MAX_OPTIONS} options fit on a student's screen.")
            if answer is not None:
                answer = plain_text(answer, OPTION_CHARS)
                if answer not in options:
                    raise ClassError("The right answer must be one of the options.")
        elif kind == "number":
            if answer is None or not math.isfinite(float(answer)):
                raise ClassError("A number question needs its right answer.")
            answer, options = float(answer), ()
            if not (math.isfinite(float(tolerance)) and float(tolerance) >= 0):
                raise ClassError("The tolerance must be a number ≥ 0.")
        elif kind == "point":
            curves = {plain_text(run, OPTION_CHARS): [float(v) if math.isfinite(float(v)) else None
                                                      for v in list(values)[:MAX_EPOCHS]]
                      for run, values in list((curves or {}).items())[:MAX_OPTIONS]}
            options = tuple(run for run, values in curves.items() if values)
            if len(options) < 2:
                raise ClassError("A question on curves needs at least two runs with a validation loss.")
            if (not isinstance(answer, (list, tuple)) or len(answer) != 2 or answer[0] not in options
                    or not 1 <= int(answer[1]) <= len(curves[answer[0]])):
                raise ClassError("The right answer must be one of the runs and one of its epochs.")
            answer, tolerance = [answer[0], int(answer[1])], max(0, int(tolerance))
        else:
            raise ClassError("A question is multiple choice, a number or a point on the curves.")
        qid = secrets.token_hex(4)
        question = Question(qid, text, kind, options, answer, float(tolerance), dict(preset or {}),
                            dict(curves or {}) if kind == "point" else {})
        record["question"] = question.__dict__ | {"options": list(options)}
        record["revealed"] = False
        record.setdefault("asked", []).append(qid)
        self._save(code, record)
        return question

    def question(self, code: str) -> Question | None:
        data = self.record(code).get("question")
        return None if data is None else question_from(data)

    def answer(self, code: str, member: str, question_id: str, raw: Any) -> Any:
        """A student's answer to the open question (a later one replaces theirs); returns it as read."""
        code = normal_code(code)
        record = self.record(code)
        if member not in self.members(code):
            raise ClassError("Join the class first.")
        data = record.get("question")
        if data is None or data["id"] != question_id:
            raise ClassError("That question is closed.")
        if record.get("revealed"):
            raise ClassError("The answer has been revealed; no more answers.")
        question = question_from(data)
        value = read_answer(question, raw)
        self.store.hset(f"answers:{code}:{question_id}", member, value, IDLE_SECONDS)
        return value

    def answers(self, code: str, question_id: str) -> dict[str, Any]:
        return self.store.hgetall(f"answers:{normal_code(code)}:{question_id}")

    def reveal(self, code: str, key: str) -> Question:
        """Show the right answer; the question's preset becomes the followers' view."""
        record = self._teacher(code, key)
        if record.get("question") is None:
            raise ClassError("There is no question to reveal.")
        question = question_from(record["question"])
        record["revealed"] = True
        if question.preset:
            record["view"] = {"page": question.preset.get("page", ""), "prefix": question.preset.get("prefix", ""),
                              "params": {str(k): str(v) for k, v in question.preset.get("params", {}).items()}}
        self._save(code, record)
        return question

    def play(self, code: str, key: str, page: str, on: bool, run: str = "") -> None:
        """The teacher pressed Play (``on``) or paused ``run`` on ``page``: following copies start or pause with it."""
        record = self._teacher(code, key)
        play = {"page": str(page), "on": bool(on), "run": plain_text(run, 64)}
        if record.get("play") != play:
            record["play"] = play
            self._save(code, record)

    # -- a class sweep: each student runs one cell ----------------------------------------------------
    def start_sweep(self, code: str, key: str, page: str, setting: str, values, label: str = "") -> None:
        """Give each joining follower one value of ``setting`` on ``page`` to run (in turn, round the grid)."""
        record = self._teacher(code, key)
        values = [str(v) for v in list(values)[:MAX_SWEEP_CELLS]]
        if not values:
            raise ClassError("A sweep needs at least one value.")
        record["sweep"] = {"page": str(page), "setting": str(setting), "values": values, "label": plain_text(label, 80)}
        self.store.delete(f"sweep:{normal_code(code)}", f"results:{normal_code(code)}")
        self._save(code, record)

    def sweep_cell(self, code: str, member: str) -> str | None:
        """This member's value in the running sweep (given once, then kept); None when no sweep runs."""
        code = normal_code(code)
        sweep = self.record(code).get("sweep")
        if not sweep:
            return None
        cells = self.store.hgetall(f"sweep:{code}")
        if member in cells:
            return cells[member]
        value = sweep["values"][len(cells) % len(sweep["values"])]
        self.store.hset(f"sweep:{code}", member, value, IDLE_SECONDS)
        return value

    def sweep_result(self, code: str, member: str, value: str, result: float) -> None:
        """A member's result for their cell (e.g. the final loss); NaN and inf stand for "diverged"."""
        code = normal_code(code)
        cells = self.store.hgetall(f"sweep:{code}")
        if cells.get(member) != str(value):
            raise ClassError("That is not your cell of the sweep.")
        result = float(result)
        self.store.hset(f"results:{code}", member, [str(value), result if math.isfinite(result) else None],
                        IDLE_SECONDS)

    def sweep_results(self, code: str) -> list[tuple[str, float | None]]:
        return [tuple(v) for v in self.store.hgetall(f"results:{normal_code(code)}").values()]


class Watcher:
    """Each class's version and record as this server process last read them, shared by all its sessions.

    A follower's page asks several times a second whether the teacher changed something; with a hundred
    followers that would be hundreds of reads of the shared store a second. Here the store is read at most
    once per ``max_age`` seconds per class and process (the record only when the version moved), and every
    session of the process gets the same answer.
    """

    def __init__(self, classroom: Callable[[], Classroom], max_age: float = 0.25, clock=time.monotonic) -> None:
        self.classroom = classroom
        self.max_age = max_age
        self.clock = clock
        self._seen: dict[str, tuple[float, int, dict] | tuple[float, None, None]] = {}
        self._lock = threading.Lock()

    def latest(self, code: str) -> tuple[int, dict] | None:
        """(version, record) of class ``code``, at most ``max_age`` seconds old; None when the class is gone."""
        code = normal_code(code)
        with self._lock:  # one session reads; the others of this process wait for its answer
            now = self.clock()
            seen = self._seen.get(code)
            if seen is not None and now - seen[0] < self.max_age:
                return None if seen[1] is None else (seen[1], seen[2])
            room = self.classroom()
            version = room.version(code)
            record = seen[2] if seen is not None and seen[1] == version else None
            if version is not None and record is None:
                try:
                    record = room.record(code)
                except ClassError:
                    version = None
            if len(self._seen) > 1000:  # codes of ended classes do not pile up
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < 60}
            self._seen[code] = (now, version, record)
            return None if version is None else (version, record)

    def forget(self, code: str) -> None:
        """Read class ``code`` afresh next time (this process just changed it)."""
        with self._lock:
            self._seen.pop(normal_code(code), None)
