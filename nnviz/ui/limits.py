"""Keep hand-edited links inside the widgets' ranges and options.

:func:`nnviz.ui.state.init` reads settings from the URL; a value outside a
slider's range or not among a radio's options would make Streamlit raise
(``StreamlitValueAboveMaxError``). Call :func:`enforce` right after ``init``:
such values go back to the page's defaults with a warning in words.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import streamlit as st

from nnviz.ui import state


def _fits(value: Any, rule: Any) -> bool:
    if isinstance(rule, tuple) and len(rule) == 2 and all(isinstance(v, (int, float)) for v in rule):
        low, high = rule
        if isinstance(value, (tuple, list)):
            return all(_fits(v, rule) for v in value) and list(value) == sorted(value)
        return isinstance(value, (int, float)) and low <= value <= high
    options = list(rule)
    if isinstance(value, (tuple, list)):
        return all(v in options for v in value)
    return value in options


def enforce(prefix: str, defaults: Any, rules: Mapping[str, Any]) -> list[str]:
    """Reset settings that break their rule: ``(low, high)`` for numbers, a sequence of options otherwise.

    Returns the names that were reset.
    """
    fixed = []
    for name, rule in rules.items():
        k = state.key(prefix, name)
        if k in st.session_state and not _fits(st.session_state[k], rule):
            st.session_state[k] = getattr(defaults, name)
            fixed.append(name)
    if fixed:
        st.warning(f"Link settings out of range were reset to their defaults: {', '.join(fixed)}.")
    return fixed


def options(values: Sequence) -> tuple:
    """The allowed values of a choice widget, as a rule for :func:`enforce`."""
    return tuple(values)
