"""Helpers shared by the page tests: run a page with AppTest, read its Plotly figures back into NumPy."""

import base64

import numpy as np
from streamlit.testing.v1 import AppTest


def figure_array(value) -> np.ndarray:
    """A figure array from the JSON: a plain list, or Plotly's typed binary array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)


def run_page(page: str, query=None) -> AppTest:
    """Run the page script once with AppTest, optionally opened with URL settings ``query``."""
    at = AppTest.from_file(page, default_timeout=30)
    if query:
        at.query_params.update(query)
    return at.run()


def declared(page: str) -> dict:
    """A page's declarations (its module up to the title), to check presets without running it."""
    from pathlib import Path

    source = Path(page).read_text()
    namespace: dict = {}
    exec(compile(source[:source.index("st.title(")], page, "exec"), namespace)
    return namespace
