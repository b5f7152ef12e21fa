from slack_bolt import App

from handlers.events import app_home
from handlers.guard import reported


def register(app: App) -> None:
    app.event("app_home_opened")(reported(app_home.opened))
