# Production image: runs migrations, then the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT).
# Other commands run in the same image: `docker run --rm … complaint-bot check`.
#
# Three stages, so that a change to the code rebuilds only the last two small layers and downloads nothing:
#   requirements  the dependency list, read from pyproject.toml
#   wheel         the project built as a wheel (setuptools installed in a layer of its own, before any code)
#   final         the dependencies (reused while the list is unchanged), then the wheel, installed as any user would
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

FROM base AS requirements
COPY pyproject.toml /src/
# Only the list of dependencies goes on: a change elsewhere in pyproject.toml ([tool.*], the version) leaves it
# identical, and the final stage's install layer is reused.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" > /requirements.txt

FROM base AS wheel
RUN pip install "setuptools>=68"
COPY pyproject.toml setup.py README.md /src/
COPY alembic /src/alembic
COPY bot /src/bot
COPY handlers /src/handlers
COPY sources /src/sources
COPY message_blocks /src/message_blocks
# No build isolation and no index: the setuptools above builds it, so this step never reaches the network.
RUN pip wheel --no-deps --no-build-isolation --no-index --wheel-dir /wheels /src

FROM base
ENV PORT=3000 COMPLAINT_BOT_CONFIG=/config/complaint-bot.toml COMPLAINT_BOT_PORT_FILE=/tmp/complaint-bot.port
COPY --from=requirements /requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY --from=wheel /wheels /tmp/wheels
# The built package, migrations and model included (no source tree in the image); --no-index: nothing is downloaded.
RUN pip install --no-deps --no-index /tmp/wheels/*.whl && rm -rf /tmp/wheels \
    && useradd --create-home --uid 10001 bot && mkdir /data /config && chown bot /data /config
USER bot
WORKDIR /home/bot
ENV DATABASE_URL=sqlite:////data/complaint-bot.db
VOLUME ["/data"]
EXPOSE 3000
# The start period covers migrations and Slack's token check; /healthz answers 200 once the database does.
# The probe asks the port the bot says it listens on (COMPLAINT_BOT_PORT_FILE), so it follows PORT, even PORT=0.
HEALTHCHECK --start-period=60s --interval=30s --timeout=5s --retries=3 CMD ["python", "-m", "bot.healthcheck"]
# Exec form: the bot is PID 1 and receives `docker stop`'s SIGTERM itself (a shell would swallow it). It starts no
# child processes, so it needs no init to reap them; it stops on SIGTERM, finishing the work already acknowledged.
STOPSIGNAL SIGTERM
ENTRYPOINT ["complaint-bot"]
CMD ["run"]
