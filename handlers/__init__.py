"""Slack listeners, grouped by kind; each package registers its own in `register(app)`.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""

from slack_bolt import App

from handlers import actions, commands, events, shortcuts, views


def register_listeners(app: App) -> None:
    actions.register(app)
    commands.register(app)
    events.register(app)
    shortcuts.register(app)
    views.register(app)
