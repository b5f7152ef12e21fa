"""Slack listeners, grouped by kind; each package registers its own in `register(app)`."""

from slack_bolt import App

from handlers import actions, views


def register_listeners(app: App) -> None:
    actions.register(app)
    views.register(app)
