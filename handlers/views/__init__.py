from slack_bolt import App

from handlers.views import case_modals
from message_blocks.ids import View


def register(app: App) -> None:
    app.view(View.DRAFT.value)(case_modals.draft_submitted)
    app.view(View.REPLY_SENT.value)(case_modals.reply_sent_submitted)
    app.view(View.ESCALATE.value)(case_modals.escalate_submitted)
    app.view(View.RESOLVE.value)(case_modals.resolve_submitted)
