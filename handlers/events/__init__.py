from slack_bolt import App

from handlers.guard import reported

from handlers.events import app_home


def register(app: App) -> None:
    app.event("app_home_opened")(reported(app_home.opened))
