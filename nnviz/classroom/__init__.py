"""A live class: join codes, the teacher's view that students follow, questions, answers and a sweep.

No Streamlit here: :mod:`nnviz.ui.live` draws it. :mod:`nnviz.classroom.store` keeps the state where every
server process sees it (SQLite by default, Redis for several hosts).
"""
