# syntax=docker/dockerfile:1
# prep-talk server image, built from the project's wheel (never an editable checkout):
#   docker build -t prep-talk .
#   docker run -p 3978:3978 -v prep-talk-data:/data prep-talk
# The first stage builds the wheel and the wheels of its pinned dependencies; the runtime
# stage installs only those, offline, and runs as a numeric non-root user. The image has the
# `llm` extra (the openai client), so a model is switched on with PREPTALK_LLM_* alone;
# nothing is sent anywhere unless they are set.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY playbooks ./playbooks
COPY migrations ./migrations
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && pip wheel --constraint constraints.txt --wheel-dir /wheels "$(echo /wheels/prep_talk-*.whl)[llm]"

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PREPTALK_DATABASE_URL=sqlite:////data/prep-talk.db \
    PREPTALK_PORT=3978
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /data preptalk \
    && install -d -o 10001 -g 10001 -m 0750 /data
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels "$(echo /wheels/prep_talk-*.whl)[llm]" \
    && prep-talk playbooks list
USER 10001:10001
WORKDIR /data
EXPOSE 3978
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PREPTALK_PORT'], timeout=4)"]
# tests/deploy/test_wheel.py runs exactly this command against the installed wheel.
CMD ["sh", "-c", "prep-talk db upgrade && exec prep-talk serve --host 0.0.0.0"]
