"""Plotly figure builders: arrays and labels in, ``go.Figure`` out; no model maths here."""
