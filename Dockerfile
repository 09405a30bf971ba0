# nnviz app image: Debian's nginx in front of one Streamlit process per core (scripts/serve.sh).
#
#   docker build -t nnviz .
#   docker run --rm -p 8501:8501 -v nnviz-runs:/data/runs nnviz
#   docker run --rm -p 8501:8501 --cpus 8 -e NNVIZ_WORKERS=8 nnviz     # a bigger host
#
# Several hosts: run the image on each with NNVIZ_NGINX=0 NNVIZ_WORKER_ADDRESS=0.0.0.0
# (Streamlit processes only, ports 8601..) and point one nginx, built from
# deploy/nginx.conf.template, at all of them.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NNVIZ_PYTHON=/usr/local/bin/python \
    NNVIZ_LISTEN=0.0.0.0 \
    NNVIZ_PORT=8501 \
    NNVIZ_RUNS_DIR=/data/runs \
    NNVIZ_SERVE_DIR=/tmp/nnviz-serve \
    NUMBA_CACHE_DIR=/tmp/nnviz-numba

RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app.py Makefile ./
COPY .streamlit .streamlit
COPY nnviz nnviz
COPY lessons lessons
COPY bench bench
COPY deploy deploy
COPY scripts scripts
COPY data data

RUN useradd --create-home --uid 10001 nnviz \
    && mkdir -p /data/runs \
    && chown -R nnviz /data
USER nnviz
VOLUME ["/data/runs"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"

CMD ["bash", "scripts/serve.sh"]
