"""The one packaging detail pyproject.toml cannot say: alembic/ ships inside the package as `bot.migrations`.

The migrations stay at the top of the repository (where `alembic` and the other branches expect them), but a
plain `pip install .` (a wheel, the Docker image) has no repository beside it: without this mapping the
installed bot has no migrations, and `db upgrade` cannot run. bot/db/session.py finds them either way.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["bot*", "handlers*", "sources*", "message_blocks*"]) + ["bot.migrations", "bot.migrations.versions"],
    package_dir={"bot.migrations": "alembic"},
)
