from slack_bolt import App

from handlers.commands import complaint
from handlers.guard import reported


def register(app: App) -> None:
    app.command("/complaint")(reported(complaint.complaint))
