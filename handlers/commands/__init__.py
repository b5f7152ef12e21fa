from slack_bolt import App

from handlers.commands import complaint


def register(app: App) -> None:
    app.command("/complaint")(complaint.complaint)
