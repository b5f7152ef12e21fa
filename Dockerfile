# Production image: runs migrations, then the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT).
# Other commands run in the same image: `docker run --rm … complaint-bot check`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=3000 \
    COMPLAINT_BOT_CONFIG=/config/complaint-bot.toml

WORKDIR /app
# Dependencies first, from pyproject.toml alone: a change to the code reuses this layer instead of reinstalling them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

COPY README.md alembic.ini ./
COPY alembic ./alembic
COPY bot ./bot
COPY handlers ./handlers
COPY sources ./sources
COPY message_blocks ./message_blocks
# Editable install keeps alembic/ beside the code, where `complaint-bot db upgrade` finds it.
RUN pip install --no-deps -e . && useradd --create-home --uid 10001 bot && mkdir /data /config && chown bot /data /config
USER bot
ENV DATABASE_URL=sqlite:////data/complaint-bot.db
VOLUME ["/data"]
EXPOSE 3000
# The start period covers migrations and Slack's token check; /healthz answers 200 once the database does.
HEALTHCHECK --start-period=60s --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)" || exit 1
# Exec form: the bot is PID 1 and receives `docker stop`'s SIGTERM itself (a shell would swallow it). It starts no
# child processes, so it needs no init to reap them; it stops on SIGTERM, finishing the work already acknowledged.
STOPSIGNAL SIGTERM
ENTRYPOINT ["complaint-bot"]
CMD ["run"]
