"""A page's settings: one dataclass, kept in session state and mirrored into the URL.

Every page declares its settings as a dataclass with defaults and calls
:func:`init` before drawing widgets and :func:`sync` after. Widgets use
``key=key(PREFIX, "field")``. The values survive a visit to another page (a
copy is kept outside Streamlit's widget state, which forgets unrendered
widgets), and the URL always holds the settings that differ from the
defaults, so a copied link reproduces the view exactly.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

import streamlit as st

from nnviz.ui import heap, presenter

_STORE = "_nnviz_settings"
_PRESENT = "present"


def key(prefix: str, name: str) -> str:
    """The session-state key of one setting (also the widget's ``key=``)."""
    return f"{prefix}.{name}"


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(_encode(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _decode(raw: str, default: Any) -> Any:
    """Parse ``raw`` to the type of ``default``; raise ValueError when it does not fit."""
    if isinstance(default, bool):
        if raw not in ("0", "1", "true", "false", "True", "False"):
            raise ValueError(raw)
        return raw in ("1", "true", "True")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
        return value
    if isinstance(default, (list, tuple)):
        items = [] if raw == "" else raw.split(",")
        sample = default[0] if default else ""
        parsed = [_decode(item, sample) for item in items]
        return type(default)(parsed)
    return raw


def init(prefix: str, defaults: Any) -> None:
    """Seed the page's widget keys: from this session's last visit, else the URL, else defaults.

    A URL value that does not parse (a hand-edited link) is ignored with a
    warning instead of breaking the page.
    """
    store = st.session_state.setdefault(_STORE, {})
    saved = store.get(prefix, {})
    bad = []
    for field in dataclasses.fields(defaults):
        k = key(prefix, field.name)
        if k in st.session_state:
            # Re-assigning makes the value the page's own, so Streamlit does not forget it in a
            # run that leaves its widget undrawn (a collapsed section, another tab's controls).
            st.session_state[k] = st.session_state[k]
            continue
        default = getattr(defaults, field.name)
        if field.name in saved:
            st.session_state[k] = saved[field.name]
        elif field.name in st.query_params:
            try:
                st.session_state[k] = _decode(st.query_params[field.name], default)
            except ValueError:
                bad.append(field.name)
                st.session_state[k] = default
        else:
            st.session_state[k] = default
    if bad:
        st.warning(f"Ignored unreadable link settings: {', '.join(bad)} (defaults used instead).")


def current(prefix: str, cls: type) -> Any:
    """The page's settings as a ``cls`` instance, read from session state."""
    return cls(**{f.name: st.session_state[key(prefix, f.name)] for f in dataclasses.fields(cls)})


def sync(prefix: str, defaults: Any) -> Any:
    """Remember the settings for this session and write the non-default ones to the URL."""
    settings = current(prefix, type(defaults))
    values = dataclasses.asdict(settings)
    st.session_state.setdefault(_STORE, {})[prefix] = values
    params = {
        name: _encode(value)
        for name, value in values.items()
        if value != getattr(defaults, name)
    }
    if st.query_params.get(_PRESENT) == "1":
        params[_PRESENT] = "1"
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    heap.settle(prefix)  # once per page and process: see nnviz.ui.heap
    return settings


@presenter.guarded
def apply(prefix: str, values: Mapping[str, Any]) -> None:
    """Set several settings at once (a preset); call from a button's ``on_click``."""
    for name, value in values.items():
        st.session_state[key(prefix, name)] = value


@presenter.guarded
def reset(prefix: str, defaults: Any) -> None:
    """Put every setting of the page back to its default; call from ``on_click``."""
    apply(prefix, dataclasses.asdict(defaults))


def presets_bar(prefix: str, defaults: Any, presets: Mapping[str, Mapping[str, Any]]) -> None:
    """One-click buttons for the lesson's classic moments, and a "Reset page" button."""
    columns = st.columns(len(presets) + 1)
    for column, (name, values) in zip(columns, presets.items()):
        column.button(name, on_click=apply, args=(prefix, values), key=f"{prefix}.preset.{name}",
                      width="stretch")
    columns[-1].button("↺ Reset page", on_click=reset, args=(prefix, defaults),
                       key=f"{prefix}.preset.reset", width="stretch")
