"""Crash reporting: a crash on a page, in a section or in a widget callback becomes a message with an error id.

Streamlit's own handler (with ``client.showErrorDetails = "none"``) shows a generic message with nothing a
teacher could look up. Here the same short id is in the student's message and on the server log's line with
the traceback. Streamlit's rerun and stop signals are not ``Exception``s and pass through.
"""

from __future__ import annotations

import functools
import secrets

import streamlit as st
from streamlit.logger import get_logger

LOG = get_logger("nnviz")


def error_message(error_id: str) -> str:
    """What a student reads after a crash."""
    return (f"Something went wrong on this page (error id **{error_id}**). Your settings are kept: change "
            "one, or press *Reset page*. The server log has the details under this id.")


def report(where: str) -> str:
    """Log the exception being handled with a new id and tell the student; returns the id."""
    error_id = secrets.token_hex(4)
    LOG.exception("nnviz error id %s in %s", error_id, where)
    st.error(error_message(error_id))
    return error_id


def guarded(fn=None, *, on_error=None):
    """``fn`` (a widget callback or a fragment) with ``run_page``'s handling: a crash shows the message with
    an error id instead of Streamlit's generic one, and the traceback goes to the log under that id.

    ``on_error(error_id)`` runs after the report (a playing fragment pauses, so a crash is not repeated
    every tick).
    Use as ``@guarded`` or ``@guarded(on_error=...)``.
    """
    if fn is None:
        return functools.partial(guarded, on_error=on_error)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any crash of a callback, reported below
            error_id = report(getattr(fn, "__qualname__", repr(fn)))
            if on_error is not None:
                on_error(error_id)
            return None
    return wrapper


def run_page(page) -> str | None:
    """Run ``page``; a crash becomes a friendly message with an error id, the traceback goes to the server log.

    Streamlit's own handler (with ``client.showErrorDetails = "none"``) shows a generic
    message with nothing a teacher could look up. Here the same short id is in the
    student's message and on the log line with the traceback. Streamlit's rerun and
    stop signals are not ``Exception``s and pass through. Returns the id, or None.
    """
    try:
        page.run()
    except Exception:  # noqa: BLE001 - any crash of a page script, reported below
        return report(f"page {getattr(page, 'url_path', page)!r}")
    return None
