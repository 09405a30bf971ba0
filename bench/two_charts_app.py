"""An experiment: a slider changes one chart; two others (a small and a large one) never change.

``bench/bench_browser.py`` presses the slider and counts, per chart, whether
Streamlit re-sent its delta (in full, or as a reference to the browser's
message cache) and whether the browser redrew it (Plotly's ``plotly_afterplot``).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

x = np.linspace(-5, 5, 200)
w = st.slider("w", -5.0, 5.0, 1.0, step=0.1)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.tanh(w * x)), layout={"height": 250, "title": "changes"}),
                key="changes")
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(x)), layout={"height": 250, "title": "small, unchanged"}),
                key="small")
big = np.linspace(-5, 5, 5000)
st.plotly_chart(go.Figure(go.Scatter(x=big, y=np.cos(big)), layout={"height": 250, "title": "large, unchanged"}),
                key="large")
