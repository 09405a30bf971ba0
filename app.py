"""nnviz: a visual, hands-on course in how neural networks learn."""

import streamlit as st

from nnviz.ui import chart, pacing, presenter
from nnviz.ui.course import available
from nnviz.ui.home import thumbnail

# An emoji favicon is drawn by the browser; a :material/...: one is fetched from fonts.gstatic.com (not offline).
st.set_page_config(page_title="nnviz", page_icon="🧠", layout="wide")


def home() -> None:
    st.title("nnviz: see how neural networks learn")
    st.markdown(
        "Every page is one step of the course. Move a slider and the maths is recomputed "
        "and redrawn at once; copy the address bar and the exact view opens on any laptop."
    )
    lessons = available()
    if not lessons:
        st.info("No lesson pages are installed yet.")
        return
    st.subheader("The course map")
    for section in dict.fromkeys(lesson.section for lesson in lessons):
        st.markdown(f"#### {section}")
        in_section = [item for item in lessons if item.section == section]
        columns = st.columns(3)
        for i, lesson in enumerate(in_section):
            column = columns[i % 3]
            with column.container(border=True):
                st.page_link(f"lessons/{lesson.file}", label=lesson.title, icon=lesson.icon)
                figure = thumbnail(lesson.url_path)
                if figure is not None:
                    chart.show(figure, key=f"thumb.{lesson.url_path}", config={"staticPlot": True})
                st.caption(lesson.summary)


sections: dict[str, list] = {"": [st.Page(home, title="Home", icon=":material/home:", default=True)]}
for lesson in available():
    sections.setdefault(lesson.section, []).append(
        st.Page(f"lessons/{lesson.file}", title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
    )

with pacing.turn():  # a browser over its share of the server waits first; its run is charged
    presenter.run(st.navigation(sections))  # presenter mode + share box on every page
