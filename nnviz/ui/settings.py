"""A page's settings, each declared once: default, widget, range or options, step, label, help.

A page writes its settings as one frozen dataclass whose fields are made by
the functions below::

    @dataclass(frozen=True)
    class Settings:
        lr: float = settings.log_slider(0.1, LR_STOPS, "learning rate η")
        steps: int = settings.slider(30, 1, 200, 1, "steps")

    PAGE = settings.Page("gd", Settings)

From that one declaration :class:`Page` draws each widget (``PAGE.widget("lr")``),
reads the URL and checks every value a link brings (type, range, option, length:
a message in words and the default used), validates presets, writes the
settings that differ from the defaults back to the URL, and keeps them for the
session so that a page left and revisited comes back as it was.

A page is a few sections; each is a Streamlit fragment (``@PAGE.section``), so
moving a widget reruns its own section only. A setting read by other sections
too is declared ``shared=("other_section", ...)`` (those rerun with it) or
``shared=True`` (the whole page reruns).

Why not Streamlit's ``bind="query-params"``: it drops a bad link value
silently (no message), cannot be written through ``st.query_params`` (presets,
Reset and presenter mode write several values at once), and its parameter name
is the widget key, which must then be unique across pages that share one
session state; the page's own round trip keeps all of that in one place.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import streamlit as st

from nnviz.ui import crash, heap
from nnviz.ui.text import shown  # noqa: F401 - pages echo link text with settings.shown

DECLARATION = "nnviz.setting"
_STORE = "_nnviz_settings"
STORE_KEY = _STORE  # where a session keeps each page's settings between visits
# Not settings of a page, kept in its link: presenter mode, and the live class the session is in.
_KEPT = ("present", "class")
# Beside a number box's key: the message about the value last typed in it, and the value the page used before.
NOTE_SUFFIX = ".typed"
LAST_SUFFIX = ".used"
# No link value is read beyond this many characters (a list or a text has its own, smaller bound).
LINK_CHARS = 400


def _number_text(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _typed_text(value: float) -> str:
    """A typed number as a student reads it: 99999999 in full, 1e+30 in exponent form."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _number_text(value)


@dataclass(frozen=True)
class Setting:
    """What every declared setting has: a label, a default, help, and whether several sections read it."""

    label: str
    default: Any
    help: str | None = None
    # Read by other sections too: True reruns the whole page when it changes; a tuple of section names
    # (the functions decorated with Page.section) reruns those beside the widget's own.
    shared: bool | tuple = False

    def parse(self, raw: str) -> Any:
        """The value a link's text stands for; ``ValueError`` (in words) when it does not fit."""
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        """``value`` when it fits the declaration (possibly normalised); ``ValueError`` in words if not."""
        raise NotImplementedError

    def encode(self, value: Any) -> str:
        return str(value)

    def stored(self, value: Any) -> Any:
        """The value as the page reads it from its widget's state (a whole-number box hands over a float)."""
        return value

    def draw(self, where, key: str, **options) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Setting):
    """A number on a slider or in a number box: ``low`` to ``high`` in steps of ``step``."""

    low: float = 0.0
    high: float = 1.0
    step: float = 0.1
    widget: str = "slider"  # or "number"
    format: str | None = None

    @property
    def integer(self) -> bool:
        return isinstance(self.default, int) and not isinstance(self.default, bool)

    def parse(self, raw: str) -> Any:
        text = raw.strip()
        if self.integer:
            if not text.lstrip("+-").isdigit() or len(text) > 12:
                raise ValueError(f"{shown(raw)} is not a whole number")
            return int(text)
        if "_" in text:  # Python's float() reads "1_0" as 10; a link should not
            raise ValueError(f"{shown(raw)} is not a number")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{shown(raw)} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{shown(raw)} is not a finite number")
        return value

    def check(self, value: Any, low: float | None = None, high: float | None = None) -> Any:
        low = self.low if low is None else low
        high = self.high if high is None else high
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{shown(value)} is not a number")
        if not math.isfinite(value):
            raise ValueError(f"{shown(value)} is not a finite number")
        if not low <= value <= high:
            raise ValueError(f"{_number_text(value)} is outside {_number_text(low)} … {_number_text(high)}")
        return int(value) if self.integer else float(value)

    def encode(self, value: Any) -> str:
        return str(int(value)) if self.integer else repr(float(value))

    def stored(self, value: Any) -> Any:
        if self.integer and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def draw(self, where, key: str, *, low: float | None = None, high: float | None = None, **options) -> Any:
        """The widget; ``low``/``high`` may narrow the declared range (a surface's own bounds), never widen it."""
        low = self.low if low is None else max(low, self.low)
        high = self.high if high is None else min(high, self.high)
        if self.format is not None:
            options.setdefault("format", self.format)
        if self.widget == "number":
            return self._number_box(where, key, low, high, **options)
        return where.slider(self.label, low, high, step=self.step, key=key, help=self.help, **options)

    def _number_box(self, where, key: str, low: float, high: float, **options) -> Any:
        """A number box that takes whatever is typed and says in words what it used.

        Streamlit's number box with a minimum and a maximum refuses an out-of-range value in the
        browser: the field turns red and keeps the typed text while the page keeps the old value, with
        no words. Its whole-number box reads "1e30" as 1. So the box is drawn without bounds, as a
        decimal box (whole numbers shown without decimals); its callback checks the value, writes the
        value used back into the box and leaves a message, shown beside the box until the value changes.
        """
        note_key = f"{key}{NOTE_SUFFIX}"
        options["on_change"] = _checked_number(self, key, low, high, options.get("on_change"))
        if self.integer:
            options.setdefault("format", "%.0f")
            step = float(self.step)
        else:
            step = self.step
        # The value the page uses, kept beside the box: a value it cannot use (too large to be a
        # number) falls back to it.
        st.session_state[f"{key}{LAST_SUFFIX}"] = st.session_state.get(key, self.default)
        # value=None: an emptied box, or a number too large for the browser ("1e400"), reaches the callback
        # as None (Streamlit's own fallback would be a silent 0).
        value = self.stored(where.number_input(self.label, value=None, step=step, key=key, help=self.help,
                                               **options))
        note = st.session_state.get(note_key)
        if note is not None:
            message, used = note
            if st.session_state.get(key) == used:
                where.warning(message, icon=":material/info:")
            else:  # the value changed since (a preset, Reset): the message no longer applies
                del st.session_state[note_key]
        return value

    def fit(self, value: Any, low: float | None = None, high: float | None = None,
            kept: Any = None) -> tuple[Any, str | None]:
        """The value the page uses for a typed ``value``, and a message in words when it is not ``value``.

        Out of range: the nearest end of the range. Not a whole number where one is needed: rounded. Not a
        finite number: ``kept`` (the value before), else the default.
        """
        low = self.low if low is None else low
        high = self.high if high is None else high
        span = f"**{self.label}** goes from {_number_text(low)} to {_number_text(high)}"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            used = self.default if kept is None else kept
            return used, f"{span}; what was typed is not a number it can use, so {_number_text(used)} is kept."
        used = min(max(value, low), high)
        if self.integer:
            used = int(round(used))
        if used == value:
            return used, None
        if not low <= value <= high:
            return used, f"{span}; {_typed_text(value)} is outside it, so {_number_text(used)} is used."
        return used, f"{span} in whole numbers; {_typed_text(value)} is not one, so {_number_text(used)} is used."


@dataclass(frozen=True)
class Stops(Setting):
    """A number chosen among fixed stops (a log-scale slider): a link's value snaps to the nearest stop."""

    stops: tuple = ()

    def parse(self, raw: str) -> Any:
        return Number(self.label, float(self.default)).parse(raw)

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
            raise ValueError(f"{shown(value)} is not a number")
        low, high = self.stops[0], self.stops[-1]
        if not low <= value <= high:
            raise ValueError(f"{_number_text(float(value))} is outside {low:g} … {high:g}")
        return min(self.stops, key=lambda stop: abs(math.log(stop) - math.log(value)) if value > 0 and stop > 0
                   else abs(stop - value))

    def encode(self, value: Any) -> str:
        return str(int(value)) if isinstance(value, int) else repr(float(value))

    def draw(self, where, key: str, **options) -> Any:
        options.setdefault("format_func", lambda v: f"{v:g}")
        return where.select_slider(self.label, self.stops, key=key, help=self.help, **options)


@dataclass(frozen=True)
class Range(Setting):
    """A pair ``(from, to)`` on a range slider."""

    low: float = 0.0
    high: float = 1.0
    step: float = 0.1

    def parse(self, raw: str) -> Any:
        parts = raw.split(",")
        if len(parts) != 2:
            raise ValueError(f"{shown(raw)} is not two numbers separated by a comma")
        return tuple(Number(self.label, float(self.low)).parse(part) for part in parts)

    def check(self, value: Any) -> Any:
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise ValueError(f"{shown(value)} is not a pair of numbers")
        first, second = (Number(self.label, float(self.low), low=self.low, high=self.high).check(v) for v in value)
        if first >= second:
            raise ValueError(f"the range {first:g} … {second:g} is empty")
        return (first, second)

    def encode(self, value: Any) -> str:
        return ",".join(repr(float(v)) for v in value)

    def draw(self, where, key: str, **options) -> Any:
        return where.slider(self.label, self.low, self.high, step=self.step, key=key, help=self.help, **options)


@dataclass(frozen=True)
class Choice(Setting):
    """One of several options: ``options`` maps each value to its label."""

    options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    widget: str = "selectbox"  # or "radio", "segmented", "tabs" (drawn by Page.tabs)

    def parse(self, raw: str) -> Any:
        return raw

    def check(self, value: Any) -> Any:
        if value not in self.options:
            raise ValueError(f"{shown(value)} is not one of: {', '.join(self.options.values())}")
        return value

    def draw(self, where, key: str, **options) -> Any:
        options.setdefault("format_func", self.options.get)
        values = list(self.options)
        if self.widget == "radio":
            return where.radio(self.label, values, key=key, help=self.help, **options)
        if self.widget == "segmented":
            return where.segmented_control(self.label, values, key=key, help=self.help, **options)
        return where.selectbox(self.label, values, key=key, help=self.help, **options)


@dataclass(frozen=True)
class Choices(Setting):
    """Several of the options at once (a multiselect), in the options' order."""

    options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    max_chosen: int | None = None

    def parse(self, raw: str) -> Any:
        return tuple(item for item in raw.split(",") if item)

    def check(self, value: Any) -> Any:
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{shown(value)} is not a list")
        unknown = [v for v in value if v not in self.options]
        if unknown:
            raise ValueError(f"{shown(unknown[0])} is not one of: {', '.join(self.options.values())}")
        if len(set(value)) != len(value):
            raise ValueError("an option is named twice")
        if self.max_chosen is not None and len(value) > self.max_chosen:
            raise ValueError(f"at most {self.max_chosen} can be chosen")
        return list(value)

    def encode(self, value: Any) -> str:
        return ",".join(value)

    def draw(self, where, key: str, **options) -> Any:
        options.setdefault("format_func", self.options.get)
        return where.multiselect(self.label, list(self.options), key=key, help=self.help,
                                 max_selections=self.max_chosen, **options)


@dataclass(frozen=True)
class Toggle(Setting):
    """On or off: a toggle switch or a check box."""

    widget: str = "toggle"  # or "checkbox"

    def parse(self, raw: str) -> Any:
        if raw in ("1", "true", "True"):
            return True
        if raw in ("0", "false", "False"):
            return False
        raise ValueError(f"{shown(raw)} is not on (1) or off (0)")

    def check(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError(f"{shown(value)} is not on or off")
        return value

    def encode(self, value: Any) -> str:
        return "1" if value else "0"

    def draw(self, where, key: str, **options) -> Any:
        if self.widget == "checkbox":
            return where.checkbox(self.label, key=key, help=self.help, **options)
        return where.toggle(self.label, key=key, help=self.help, **options)


@dataclass(frozen=True)
class Text(Setting):
    """A short text typed by the student (a list of numbers or names the page parses itself)."""

    max_chars: int = 200

    def parse(self, raw: str) -> Any:
        return raw

    def check(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"{shown(value)} is not text")
        if len(value) > self.max_chars:
            raise ValueError(f"it is {len(value):,} characters long; at most {self.max_chars} fit")
        return value

    def draw(self, where, key: str, **options) -> Any:
        return where.text_input(self.label, key=key, help=self.help, max_chars=self.max_chars, **options)


def _field(declaration: Setting):
    default = declaration.default
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata={DECLARATION: declaration})
    return dataclasses.field(default=default, metadata={DECLARATION: declaration})


def slider(default, low, high, step, label, help=None, *, shared=False, format=None):
    """A slider from ``low`` to ``high``; an ``int`` default makes it whole numbers."""
    return _field(Number(label, default, help, shared, low, high, step, "slider", format))


def number(default, low, high, step, label, help=None, *, shared=False, format=None):
    """A number box (for seeds and exact values) from ``low`` to ``high``."""
    return _field(Number(label, default, help, shared, low, high, step, "number", format))


def log_slider(default, stops: Sequence[float], label, help=None, *, shared=False):
    """A slider over fixed stops (log-spaced learning rates); the default must be one of them."""
    return _field(Stops(label, default, help, shared, tuple(stops)))


def range_slider(default, low, high, step, label, help=None, *, shared=False):
    return _field(Range(label, tuple(default), help, shared, low, high, step))


def choice(default, options: Mapping[str, str] | Sequence[str], label, help=None, *, shared=False,
           widget="selectbox"):
    """One of ``options`` (a mapping value → label, or a sequence of values shown as they are)."""
    if not isinstance(options, Mapping):
        options = {value: value for value in options}
    return _field(Choice(label, default, help, shared, dict(options), widget))


def choices(default, options: Mapping[str, str] | Sequence[str], label, help=None, *, shared=False,
            max_chosen=None):
    if not isinstance(options, Mapping):
        options = {value: value for value in options}
    return _field(Choices(label, list(default), help, shared, dict(options), max_chosen))


def toggle(default: bool, label, help=None, *, shared=False, widget="toggle"):
    return _field(Toggle(label, default, help, shared, widget))


def text(default: str, label, help=None, *, shared=False, max_chars=200):
    return _field(Text(label, default, help, shared, max_chars))


def declarations(cls: type) -> dict[str, Setting]:
    """Every setting of a page's ``Settings`` dataclass, by name."""
    return {f.name: f.metadata[DECLARATION] for f in dataclasses.fields(cls)}


# The Page each lesson made last in this process, by prefix: tests check widgets against declarations.
PAGES: dict[str, "Page"] = {}
# Every section name each page (by prefix) has had in this process, in order. A Page is made anew by every
# full run of its script, so another session may be filling a new Page's list of sections at any moment.
SECTIONS: dict[str, dict[str, None]] = {}
_FELL_BACK: list = []  # why ``Page.rerun_showing`` reran a whole page instead, said once per process


class Page:
    """One page's settings: its declarations, its keys in session state, its URL, its sections."""

    def __init__(self, prefix: str, cls: type) -> None:
        self.prefix = prefix
        self.cls = cls
        self.declared = declarations(cls)
        self.defaults = cls()
        self.sections: list[str] = []
        self._running: str | None = None
        PAGES[prefix] = self
        for name, declaration in self.declared.items():
            try:
                declaration.check(getattr(self.defaults, name))
            except ValueError as err:
                raise ValueError(f"{cls.__qualname__}.{name}: the default does not fit its declaration: {err}")

    # -- keys and values --------------------------------------------------------------------------
    def key(self, name: str) -> str:
        """The session-state key of one setting (also its widget's ``key=``)."""
        return f"{self.prefix}.{name}"

    def __getitem__(self, name: str) -> Any:
        return self.declared[name].stored(st.session_state[self.key(name)])

    def __setitem__(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value

    def values(self):
        """The page's settings now, as its ``Settings`` dataclass."""
        return self.cls(**{name: self[name] for name in self.declared})

    def check(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` checked against the declarations (a preset); ``ValueError`` names the first misfit."""
        checked = {}
        for name, value in values.items():
            if name not in self.declared:
                raise ValueError(f"{name!r} is not a setting of this page")
            try:
                checked[name] = self.declared[name].check(value)
            except ValueError as err:
                raise ValueError(f"{self.declared[name].label}: {err}") from None
        return checked

    # -- a full run: read the link or this session's last visit -----------------------------------
    def init(self) -> list[str]:
        """Seed each setting: from this session's last visit, else the link, else its default.

        Every value a link brings is checked against its declaration; one that does not fit is
        named in a message in words and the default is used. Returns the messages.
        """
        store = st.session_state.setdefault(_STORE, {})
        saved = store.get(self.prefix, {})
        messages = []
        for name, declaration in self.declared.items():
            k = self.key(name)
            default = getattr(self.defaults, name)
            if k in st.session_state:
                # Re-assigning makes the value the page's own, so Streamlit does not forget it in a
                # run that leaves its widget undrawn (a closed tab, another section's controls).
                st.session_state[k] = declaration.stored(st.session_state[k])
                continue
            if name in saved:
                st.session_state[k] = saved[name]
                continue
            st.session_state[k] = default
            if name not in st.query_params:
                continue
            try:
                st.session_state[k] = self.link_value(name, st.query_params.get_all(name))
            except ValueError as err:
                messages.append(f"**{declaration.label}**: {err}; the default "
                                f"{shown(declaration.encode(default))} is used.")
        if messages:
            st.warning("This link asked for settings the page cannot use:\n\n"
                       + "\n".join(f"- {m}" for m in messages))
        return messages

    def link_value(self, name: str, raws: list[str]) -> Any:
        """Setting ``name``'s value from a link's text(s) for it; ``ValueError`` in words when it does not fit."""
        declaration = self.declared[name]
        raw = raws[-1] if raws else ""
        if len(raws) > 1:
            raise ValueError("it is given more than once")
        if len(raw) > getattr(declaration, "link_chars", LINK_CHARS):  # a long list may declare more
            raise ValueError(f"it is {len(raw):,} characters long")
        return declaration.check(declaration.parse(raw))

    def sync(self):
        """Remember the settings for this session and write those that differ from the defaults to the URL."""
        values = {name: self[name] for name in self.declared}
        st.session_state.setdefault(_STORE, {})[self.prefix] = dict(values)
        params = {name: self.declared[name].encode(value)
                  for name, value in values.items() if value != getattr(self.defaults, name)}
        kept = {name: st.query_params[name] for name in _KEPT if name in st.query_params}
        if st.query_params.to_dict() != {**params, **kept}:
            st.query_params.from_dict({**params, **kept})
        from nnviz.ui import live  # a teacher's view becomes the class's (imported here: live reads settings)

        live.publish(self.prefix, params)
        heap.settle(self.prefix)  # once per page and process: see nnviz.ui.heap
        return self.cls(**values)

    # -- widgets ----------------------------------------------------------------------------------
    def widget(self, name: str, where=None, **options) -> Any:
        """Draw setting ``name``'s widget from its declaration (in ``where``, default the current container).

        ``options`` pass on to Streamlit (``on_change``, ``label_visibility``, ``format_func``, ``disabled``);
        the label, range, options and step always come from the declaration. Inside a section, changing the
        widget reruns that section; a shared setting's change also reruns the sections that read it.
        """
        declaration = self.declared[name]
        if declaration.shared and self._running is not None:
            options["on_change"] = _rerun_after(options.get("on_change"), self._readers(declaration))
        return declaration.draw(st if where is None else where, self.key(name), **options)

    def _readers(self, declaration: Setting) -> list[str] | None:
        """The fragment keys to rerun when a shared setting changes; None for the whole page."""
        if declaration.shared is True:
            return None
        return [self.fragment_key(self._running)] + [self.fragment_key(s) for s in declaration.shared]

    def tabs(self, name: str):
        """The tabs of a ``choice(..., widget="tabs")`` setting; only the open one should be drawn."""
        declaration = self.declared[name]
        return st.tabs(list(declaration.options.values()), key=self.key(name), on_change="rerun")

    # -- sections ---------------------------------------------------------------------------------
    def fragment_key(self, section: str) -> str:
        """The key of section ``section``'s fragment, for ``st.rerun([...])`` from a widget's callback."""
        return f"{self.prefix}.section.{section}"

    def section(self, fn: Callable[[], None]) -> Callable[[], None]:
        """A section of the page as a fragment: its widgets rerun it alone, then the URL is written.

        The section's name is the function's name (a shared setting's declaration names the other
        sections that read it). A crash inside it is reported with an error id; the rest of the page stays.
        """
        name = fn.__name__
        self.sections.append(name)
        SECTIONS.setdefault(self.prefix, {})[name] = None

        def body() -> None:
            self._running = name
            try:
                crash.guarded(fn)()
            finally:
                self._running = None
            self.sync()

        body.__name__ = body.__qualname__ = f"{self.prefix}.{name}"
        return st.fragment(body, key=self.fragment_key(name))

    def rerun_showing(self, changed: list[str]) -> None:
        """Rerun what shows the ``changed`` settings, set outside any widget: the sections on screen, else the page.

        A setting the whole page reads (``shared=True``, an open tab) or whose widget stands outside the sections
        needs the whole page; any other is drawn and read in the sections only, so rerunning the sections on
        screen (without the page's header, navigation and sidebar) shows it. ``st.rerun`` takes section keys
        only from a widget's callback (see ``_rerun_after``); a change that comes from elsewhere (a class's
        teacher, seen in a follower's periodic check) queues the same request through Streamlit's script-run
        context. Whatever Streamlit lacks of it, the page reruns whole.
        """
        try:
            from streamlit.errors import StreamlitAPIException
            from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
            from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

            ctx = get_script_run_ctx()
            state = ctx.session_state._state
            for name in changed:
                declaration = self.declared[name]
                if declaration.shared is True or getattr(declaration, "widget", "") == "tabs":
                    st.rerun()
                widget_id = state._key_id_mapper.get_id_from_key(self.key(name))
                metadata = None if widget_id is None else state._new_widget_state.widget_metadata.get(widget_id)
                if widget_id is not None and (metadata is None or metadata.fragment_id is None):
                    st.rerun()
            sections = []
            for section in list(SECTIONS.get(self.prefix, {})):
                try:
                    sections += ctx.fragment_storage.resolve_target(self.fragment_key(section))
                except StreamlitAPIException:
                    pass  # not on screen (a closed tab's section)
            if not sections:
                st.rerun()
            ctx.script_requests.request_rerun(RerunData(
                query_string=ctx.query_string, page_script_hash=ctx.page_script_hash, fragment_id_queue=sections,
                is_fragment_scoped_rerun=True, cached_message_hashes=ctx.cached_message_hashes,
                context_info=ctx.context_info))
        except (AttributeError, ImportError, TypeError) as err:  # a Streamlit without what this reads
            if not _FELL_BACK:
                _FELL_BACK.append(err)
                logging.getLogger(__name__).warning(
                    "A section rerun cannot be queued (%s: %s); settings changed outside a widget rerun the "
                    "whole page in this process.", type(err).__name__, err)
            st.rerun()

    # -- presets and reset ------------------------------------------------------------------------
    def apply(self, values: Mapping[str, Any]) -> None:
        """Set several settings at once (a preset); call from a button's ``on_click``."""
        for name, value in self.check(values).items():
            st.session_state[self.key(name)] = value

    def reset(self) -> None:
        """Every setting back to its default; call from ``on_click``."""
        self.apply(dataclasses.asdict(self.defaults))

    def presets_bar(self, presets: Mapping[str, Mapping[str, Any]]) -> None:
        """One-click buttons for the lesson's classic moments, and a "Reset page" button.

        The buttons sit in a row that wraps (each as wide as its label), so no label is ever cut.
        """
        with st.container(horizontal=True, gap="small"):
            for label, values in presets.items():
                st.button(label, on_click=crash.guarded(self.apply), args=(values,),
                          key=f"{self.prefix}.preset.{label}", width="content")
            st.button("↺ Reset page", on_click=crash.guarded(self.reset), key=f"{self.prefix}.preset.reset",
                      width="content", help="Every setting back to its default")


def _checked_number(declaration: Number, key: str, low: float, high: float, callback):
    """A number box's callback: the typed value checked (see ``Number.fit``), then ``callback``."""
    def changed(*args, **kwargs):
        used, message = declaration.fit(st.session_state.get(key), low, high,
                                        kept=st.session_state.get(f"{key}{LAST_SUFFIX}"))
        if message is None:
            st.session_state.pop(f"{key}{NOTE_SUFFIX}", None)
        else:
            st.session_state[key] = used
            st.session_state[f"{key}{NOTE_SUFFIX}"] = (message, used)
        if callback is not None:
            callback(*args, **kwargs)
    return changed


def _rerun_after(callback, fragments: list[str] | None):
    """A widget callback that runs ``callback`` and then reruns ``fragments`` (None: the whole page)."""
    def changed(*args, **kwargs):
        if callback is not None:
            callback(*args, **kwargs)
        st.rerun(fragments) if fragments else st.rerun()
    return changed
