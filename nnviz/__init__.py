"""nnviz: the maths behind a visual neural-network course, in plain NumPy."""

__version__ = "0.1.0"
