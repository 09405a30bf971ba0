"""A CSV upload box that never breaks its page.

With ``type=["csv"]`` Streamlit checks an uploaded file's name before the page's script runs: a file whose name
does not end in ``.csv`` (a browser never sends one, a crafted request can) then raises on every rerun of that
session, where no page code can catch it. Naming the CSV MIME type too keeps the browser's file picker to CSV
files and leaves the name to this module, which refuses such a file with a message in words.
"""

from __future__ import annotations

import streamlit as st

REFUSED = "That file's name does not end in .csv, so it was not read: choose a .csv file."
TYPES = [".csv", "text/csv"]  # a MIME type in the list: Streamlit leaves the name check to the page


def csv_file(label: str, key: str):
    """``st.file_uploader`` for one CSV file; a file whose name does not end in .csv is refused here (None)."""
    file = st.file_uploader(label, type=TYPES, key=key)
    if file is not None and not file.name.lower().endswith(".csv"):
        st.error(REFUSED)
        return None
    return file
