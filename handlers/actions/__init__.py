from slack_bolt import App

from handlers.actions import case_buttons, escalation_buttons
from message_blocks.ids import Action, Field


def register(app: App) -> None:
    app.action(Action.CLAIM.value)(case_buttons.claim)
    app.action(Action.DRAFT.value)(case_buttons.draft)
    app.action(Action.ESCALATE.value)(case_buttons.escalate)
    app.action(Action.RESOLVE.value)(case_buttons.resolve)
    app.action(Action.MORE.value)(case_buttons.more)
    app.action(Action.REPLY_SENT.value)(case_buttons.reply_sent)
    app.action(Field.DRAFT_TONE.value)(case_buttons.redraft)
    app.action(Field.DRAFT_OPTIONS.value)(case_buttons.redraft)
    app.action(Action.ACKNOWLEDGE.value)(escalation_buttons.acknowledge)
    app.action(Action.TAKE_OVER.value)(escalation_buttons.take_over)
