# Production image: runs migrations, then the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=3000 \
    COMPLAINT_BOT_CONFIG=/config/complaint-bot.toml

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY sources ./sources
COPY message_blocks ./message_blocks
COPY alembic ./alembic
# Editable install keeps alembic/ beside the code, where `complaint-bot db upgrade` finds it.
RUN pip install -e . && useradd --create-home --uid 10001 bot && mkdir /data /config && chown bot /data /config
USER bot
ENV DATABASE_URL=sqlite:////data/complaint-bot.db
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)" || exit 1
CMD ["complaint-bot", "run"]
