"""The floor for a slider move: a bare Streamlit slider and one Plotly line of 200 points.

``bench/bench_browser.py`` measures a key press on this slider in a real
browser beside the lesson pages, on the project's own ``.streamlit/config.toml``.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

x = np.linspace(-5, 5, 200)
w = st.slider("w", -5.0, 5.0, 1.0, step=0.1)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.tanh(w * x), mode="lines"), layout={"height": 300}), key="line")
