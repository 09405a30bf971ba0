"""Helpers shared by the page tests: run a page with AppTest, read its Plotly figures back into NumPy."""

import base64
import json
import re

import numpy as np
from streamlit.testing.v1 import AppTest


def figure_array(value) -> np.ndarray:
    """A figure array from the JSON: a plain list, or Plotly's typed binary array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)


def figures_by_title(at: AppTest, name=lambda title: title) -> dict:
    """Every chart's figure JSON, keyed by ``name(its title)``."""
    return {name(fig["layout"]["title"]["text"]): fig
            for fig in (json.loads(chart.proto.spec) for chart in at.get("plotly_chart"))}


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


def validate_figures(at: AppTest) -> None:
    """Every chart the run drew passes Plotly's validation (the builders skip it at run time for speed)."""
    import plotly.graph_objects as go

    for chart in at.get("plotly_chart"):
        go.Figure(json.loads(chart.proto.spec))


def check_presets(page: str, prefix: str, errors_allowed: bool = True) -> None:
    """Every preset of the page fits its declarations, and pressing it sets each of its settings, no exception."""
    namespace = declared(page)
    for label, values in namespace["PRESETS"].items():
        namespace["PAGE"].check(values)
        at = run_page(page)
        at.button(key=f"{prefix}.preset.{label}").click().run()
        assert not at.exception and (errors_allowed or not at.error), label
        for name, value in values.items():
            assert at.session_state[f"{prefix}.{name}"] == (list(value) if isinstance(value, list) else value)


# Text a student or a link types, made to look like a link, an image or HTML: the pages show it as text.
LINKS = ["[Your session expired - log in again](http://127.0.0.1:8799/login)",
         "![x](http://127.0.0.1:8799/logits.png)", "<img src=http://127.0.0.1:8799/x.png>"]
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def bare_markdown(at: AppTest) -> list[str]:
    """Every Markdown body the page shows (text, messages, captions) with its code spans taken out."""
    bodies = []
    for kind in ("markdown", "caption", "error", "warning", "success", "info"):
        bodies += [CODE_SPAN.sub("", element.value) for element in getattr(at, kind)]
    return bodies
