"""Fuzzing the pages as a careless class would: bad CSV uploads, random widget values, broken links.

Through the real pages with AppTest: 508 generated bad CSV files go to
the two pages that accept uploads (the playground and Keras training), random
in-range values to every widget of every page (and the preset and reset
buttons), and garbage in every setting of a page's link. The page must never
show a traceback; every rejected file must show the core's own message (the
one ``nnviz`` raises for that file) as ``st.error``.

Everything is seeded: a failure names its seed and case, and re-running
reproduces it.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from nnviz.ui.text import plain
from streamlit.testing.v1 import AppTest

from nnviz import playground as pg
from nnviz import tabular

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.stem for p in (ROOT / "lessons").glob("*.py"))

CELLS = ["abc", "", " ", "NaN", "nan", "inf", "-inf", "1e400", "-1e400", "None", "null", "0x1F", "١٢", "½",
         "1,5", "1.2.3", "--1", "+-3", "=cmd|' /C calc'!A0", "@SUM(A1)", "\x00", "🙂", "1e-400", "TRUE",
         "9" * 400, "-0", "0.0.0", "'1'", '"2"', "1_000", " 3 ", "\t4"]


def _table(rng: random.Random, header: list[str], rows: int, labels: int) -> list[list[str]]:
    body = []
    for _ in range(rows):
        body.append([f"{rng.uniform(-5, 5):.4g}" for _ in header[:-1]] + [str(rng.randrange(labels))])
    return [header] + body


def _join(table: list[list[str]], sep: str = ",", newline: str = "\n") -> str:
    return newline.join(sep.join(row) for row in table) + newline


def bad_csvs(n: int, seed: int, header: list[str]) -> list[tuple[str, bytes]]:
    """``n`` CSV files, nearly all broken in one to three ways, as (description, bytes)."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []

    def mutate(table: list[list[str]]) -> tuple[str, object]:
        kind = rng.randrange(20)
        rows = len(table)
        if kind == 0 and rows > 1:  # a bad cell
            r, c = rng.randrange(1, rows), rng.randrange(len(table[1]))
            cell = rng.choice(CELLS)
            table[r][c] = cell
            return f"cell {cell!r}", table
        if kind == 1 and rows > 1:  # a ragged row
            r = rng.randrange(1, rows)
            table[r] = table[r][:-1] if rng.random() < 0.5 else table[r] + ["7"]
            return "ragged row", table
        if kind == 2:  # a missing or renamed column
            c = rng.randrange(len(table[0]))
            if rng.random() < 0.5:
                table = [row[:c] + row[c + 1:] for row in table]
                return "missing column", table
            table[0][c] = rng.choice(["", "x1", "label", " ", "é", "a,b", "x1 "])
            return f"header {table[0][c]!r}", table
        if kind == 3:  # header only / one row / three rows
            keep = rng.choice([1, 2, 4])
            return f"{keep - 1} data rows", table[:keep]
        if kind == 4:  # labels out of range or fractional or all the same
            bad = rng.choice(["7", "-1", "2.5", "0", "1e9"])
            for row in table[1:]:
                row[-1] = bad if rng.random() < 0.7 else row[-1]
            return f"labels {bad}", table
        if kind == 5:  # many columns
            width = rng.choice([3, 201, 260])
            table = [row + [("c%d" % i if j == 0 else "1") for i in range(width)] for j, row in enumerate(table)]
            return f"{width} extra columns", table
        if kind == 6 and rows > 1:  # a very long cell
            table[1][0] = "1" * rng.choice([10_000, 200_000])
            return "very long cell", table
        if kind == 7 and rows > 1:  # unbalanced quote
            table[rng.randrange(1, rows)][0] = '"1'
            return "unbalanced quote", table
        if kind == 8:  # duplicate header
            table[0] = [table[0][0]] * len(table[0])
            return "duplicate header", table
        if kind == 9:  # no header
            return "no header", table[1:]
        return "untouched", table

    for i in range(n):
        table = _table(rng, list(header), rng.choice([1, 5, 30, 200]), rng.choice([1, 2, 3, 6]))
        encoding_kind = rng.randrange(12)
        if encoding_kind == 0:
            out.append((f"{i}: empty", b""))
            continue
        if encoding_kind == 1:
            out.append((f"{i}: binary", bytes(rng.randrange(256) for _ in range(rng.choice([1, 50, 4000])))))
            continue
        if encoding_kind == 2:
            out.append((f"{i}: whitespace", rng.choice([b"\n\n\n", b" , , \n", b"\r\n", b"\t"])))
            continue
        what = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            description, table = mutate(table)
            what.append(description)
        sep = rng.choice([",", ",", ",", ";", "\t"])
        newline = rng.choice(["\n", "\n", "\r\n", "\r"])
        text = _join(table, sep, newline) if table else ""
        if sep != ",":
            what.append(f"separator {sep!r}")
        encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"])
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
            encoding = "utf-8"
        if encoding != "utf-8":
            what.append(encoding)
        if rng.random() < 0.05:
            data += b"\x00\xff\xfe"
            what.append("trailing binary")
        out.append((f"{i}: " + ", ".join(what), data))
    # The size limits, once each.
    big_rows = _table(rng, list(header), 200_001, 2)
    out.append(("over 200,000 rows", _join(big_rows).encode()))
    out.append(("over 5 MB", b"x1,x2,label\n" + b"1.000000000,2.000000000,0\n" * 240_000))
    out.append(("utf-16 without BOM", _join(_table(rng, list(header), 10, 2)).encode("utf-16-le")))
    out.append(("BOM only", codecs.BOM_UTF8))
    return out


@pytest.fixture(autouse=True)
def _full_error_details():
    """Show the real exception in AppTest (the served app redacts it: client.showErrorDetails)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _no_traceback(at, case: str) -> None:
    assert not at.exception, f"{case}: {_traceback(at)}"


def _traceback(at) -> str | None:
    if not at.exception:
        return None
    error = at.exception[0]
    where = [line for line in error.stack_trace if "/work/" in line or "File " in line][-2:]
    return f"{error.message} at {' / '.join(line.strip() for line in where)}"


def _upload_failures(at, uploader: str, cases, parse) -> tuple[list[str], int]:
    """Upload every case; returns what went wrong (distinct problems, with a case for each) and
    how many files the core rejected."""
    problems: dict[str, str] = {}
    rejected = 0
    for case, data in cases:
        at.file_uploader(key=uploader).set_value(("fuzz.csv", data, "text/csv")).run()
        shown = _traceback(at)
        if shown:
            problems.setdefault(f"traceback: {shown[:160]}", case)
        try:
            parse(data)
        except ValueError as error:
            rejected += 1
            # The page shows the core's message as text (nnviz.ui.text.plain escapes Markdown in it).
            if str(error) not in _errors(at) and plain(str(error)) not in _errors(at) and not shown:
                problems.setdefault(f"message missing: {str(error)[:100]}", case)
        except Exception as error:  # the core must raise ValueError with a message
            problems.setdefault(f"core raised {type(error).__name__}: {str(error)[:100]}", case)
    return [f"{problem}  (e.g. case {case})" for problem, case in problems.items()], rejected


@pytest.mark.skipif("playground" not in PAGES, reason="lessons/playground.py does not exist yet")
def test_bad_csvs_on_the_playground_each_get_the_cores_message():
    at = AppTest.from_file(str(ROOT / "lessons" / "playground.py"), default_timeout=60).run()
    at.selectbox(key="playground.dataset").set_value("upload").run()
    _no_traceback(at, "upload chosen")
    cases = bad_csvs(300, seed=8, header=["x1", "x2", "label"])
    problems, rejected = _upload_failures(at, "playground.upload", cases,
                                          lambda data: pg.parse_csv(data.decode("utf-8", errors="replace")))
    assert problems == []
    assert len(cases) >= 300 and rejected >= len(cases) * 0.8


@pytest.mark.skipif("keras_training" not in PAGES, reason="lessons/keras_training.py does not exist yet")
def test_bad_csvs_on_the_keras_page_each_get_the_cores_message():
    at = AppTest.from_file(str(ROOT / "lessons" / "keras_training.py"), default_timeout=120).run()
    at.selectbox(key="keras.data").set_value("upload a CSV").run()
    _no_traceback(at, "upload chosen")
    cases = bad_csvs(200, seed=9, header=["age", "income", "rate", "default"])
    problems, rejected = _upload_failures(at, "keras.upload", cases, lambda data: tabular.read_csv(data, "fuzz.csv"))
    assert problems == []
    assert len(cases) >= 200 and rejected >= len(cases) * 0.5


# -- random widget values ---------------------------------------------------------------------------
_SKIP_BUTTONS = ("Train", "Play", "▶", "Step", "Stop", "Delete", "Rename", "Download")


def _metadata(at):
    return at.session_state._state._state._new_widget_state.widget_metadata


def _poke(at, rng: random.Random) -> str:
    """Set one random widget to a random allowed value (or press a preset button); says what it did."""
    widgets = []
    for kind in ("slider", "select_slider", "number_input", "selectbox", "radio", "multiselect", "checkbox",
                 "toggle", "text_input", "text_area"):
        widgets += [w for w in getattr(at, kind) if not w.disabled]
    # Lazy tabs (a page's sections, the race's optimizers): open one, or put a label of another group there.
    tab_keys = [k for k in at.session_state._state._state.filtered_state if k.endswith((".section", "_tab"))]
    labels = [t.label for t in at.tabs]
    if tab_keys and labels and rng.random() < 0.25:
        key, label = rng.choice(tab_keys), rng.choice(labels)
        at.session_state[key] = label
        return f"tab {key} = {label!r}"
    buttons = [b for b in at.button if b.key and ".preset." in b.key and not b.disabled]
    if buttons and rng.random() < 0.15:
        button = rng.choice(buttons)
        button.click()
        return f"button {button.label!r}"
    if not widgets:
        return "nothing"
    w = rng.choice(widgets)
    meta = _metadata(at).get(w.id)
    if w.type == "slider":
        lo, hi, step = w.min, w.max, w.step or 1
        pick = rng.choice([lo, hi, lo + step * rng.randint(0, max(int((hi - lo) / step), 0))])
        pick = min(max(pick, lo), hi)
        if isinstance(w.value, (tuple, list)):
            other = rng.choice([lo, hi, pick])
            value = tuple(sorted((pick, other)))
        else:
            value = pick
        if isinstance(w.value if not isinstance(w.value, (tuple, list)) else w.value[0], int):
            value = tuple(int(round(v)) for v in value) if isinstance(value, tuple) else int(round(value))
        w.set_value(value)
    elif w.type == "number_input":
        lo = w.min if w.min is not None else -1e6
        hi = w.max if w.max is not None else 1e6
        value = rng.choice([lo, hi, rng.uniform(lo, hi)])
        if isinstance(w.value, int):
            value = int(round(value))
        w.set_value(value)
    elif w.type in ("selectbox", "radio"):
        if not w.options:
            return "empty choice"
        w.set_value(meta.deserializer(rng.choice(w.options)))
    elif w.type in ("multiselect", "select_slider"):
        if not w.options:
            return "empty choice"
        if w.type == "multiselect":
            chosen = rng.sample(list(w.options), rng.randint(0, min(len(w.options), 4)))
        else:
            count = 2 if isinstance(w.value, (tuple, list)) else 1
            chosen = sorted(rng.choices(list(w.options), k=count), key=list(w.options).index)
        w.set_value(meta.deserializer(chosen))
    elif w.type in ("checkbox", "toggle"):
        w.set_value(rng.random() < 0.5)
    else:  # text
        w.input(rng.choice(["", "8,8", "0", "-3", "1000000", "a,b", "8,,8", "nan", "1e9", " ", "🙂", "x" * 500,
                            "../../etc/passwd", "relu", "4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4"]))
        return f"{w.type} {w.label!r}"
    return f"{w.type} {w.label!r}"


@pytest.mark.parametrize("page", PAGES)
def test_random_widget_values_never_crash_a_page(page):
    rounds = 6 if page == "keras_training" else 15
    rng = random.Random(f"widgets-{page}")
    at = AppTest.from_file(str(ROOT / "lessons" / f"{page}.py"), default_timeout=120).run()
    _no_traceback(at, f"{page} first run")
    done = []
    for i in range(rounds):
        for _ in range(rng.choice([1, 1, 2, 3])):
            done.append(_poke(at, rng))
        at.run()
        _no_traceback(at, f"{page} round {i}: {done[-3:]}")


@pytest.mark.parametrize("page", PAGES)
def test_garbage_in_a_link_is_ignored_with_a_warning(page):
    """A hand-edited link: every setting of the page gets an unreadable value. Every lesson page keeps its
    settings in its URL, so one that keeps none fails here."""
    first = AppTest.from_file(str(ROOT / "lessons" / f"{page}.py"), default_timeout=120).run()
    settings = first.session_state["_nnviz_settings"] if "_nnviz_settings" in first.session_state else {}
    fields = [name for values in settings.values() for name in values]
    assert fields, f"{page} keeps no settings in its URL"
    rng = random.Random(f"link-{page}")
    at = AppTest.from_file(str(ROOT / "lessons" / f"{page}.py"), default_timeout=120)
    for name in fields:
        at.query_params[name] = rng.choice(["nan", "inf", "zzz", "1e999", "", ",,,", "-1", "99999999", "🙂"])
    at.run()
    _no_traceback(at, f"{page} with {dict(at.query_params)}")
    warned = [w.value for w in at.warning if w.value.startswith("This link asked for settings the page cannot use")]
    assert len(warned) == 1, f"{page}: no warning for {dict(at.query_params)}"
    assert "the default" in warned[0] and "is used" in warned[0]
