# syntax=docker/dockerfile:1
# prep-talk server: health check, web playground and (when configured) Slack and Teams.
#   docker build -t prep-talk .
#   docker run -p 3978:3978 -v prep-talk-data:/data prep-talk
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PREPTALK_DATABASE_URL=sqlite:////data/prep-talk.db \
    PREPTALK_PORT=3978

RUN useradd --system --uid 10001 --create-home --home-dir /home/preptalk preptalk \
    && install -d -o preptalk -g preptalk -m 0750 /data

WORKDIR /app

# Dependencies first, pinned by constraints.txt, in their own layer: a code change does not
# reinstall them. (A placeholder package lets pip resolve the project's dependency list.)
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y prep-talk \
    && rm -rf bot build ./*.egg-info

# The code. Installed in place (editable): playbooks/ and migrations/ are found next to bot/.
COPY bot ./bot
COPY playbooks ./playbooks
COPY migrations ./migrations
COPY alembic.ini ./
RUN pip install --no-deps -c constraints.txt -e . \
    && python -c "import bot.server, bot.web.playground"

USER preptalk
EXPOSE 3978
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PREPTALK_PORT', '3978'), timeout=4)"

CMD ["sh", "-c", "prep-talk db upgrade && exec prep-talk serve --host 0.0.0.0"]
