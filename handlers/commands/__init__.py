from slack_bolt import App

from handlers.guard import reported

from handlers.commands import complaint


def register(app: App) -> None:
    app.command("/complaint")(reported(complaint.complaint))
