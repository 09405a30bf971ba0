"""Reading a page's Plotly figure JSON back into NumPy, shared by the page tests."""

import base64

import numpy as np


def figure_array(value) -> np.ndarray:
    """A figure array from the JSON: a plain list, or Plotly's typed binary array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)
