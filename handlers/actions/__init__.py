from slack_bolt import App

from handlers.actions import case_buttons, escalation_buttons, incident_buttons, near_miss_buttons, reply_buttons
from handlers.guard import reported
from message_blocks.ids import Action, Field


def register(app: App) -> None:
    app.action(Action.CLAIM.value)(reported(case_buttons.claim))
    app.action(Action.DRAFT.value)(reported(case_buttons.draft))
    app.action(Action.ESCALATE.value)(reported(case_buttons.escalate))
    app.action(Action.RESOLVE.value)(reported(case_buttons.resolve))
    app.action(Action.MORE.value)(reported(case_buttons.more))
    app.action(Action.REPLY_SENT.value)(reported(case_buttons.reply_sent))
    app.action(Action.PUBLISH_REPLY.value)(reported(reply_buttons.publish_reply))
    app.action(Action.OPEN_ORIGINAL.value)(reply_buttons.open_original)
    app.action(Field.DRAFT_TONE.value)(reported(case_buttons.redraft))
    app.action(Field.DRAFT_OPTIONS.value)(reported(case_buttons.redraft))
    app.action(Action.ACKNOWLEDGE.value)(reported(escalation_buttons.acknowledge))
    app.action(Action.TAKE_OVER.value)(reported(escalation_buttons.take_over))
    app.action(Action.INCIDENT_CLAIM.value)(reported(incident_buttons.claim))
    app.action(Action.INCIDENT_STATUS.value)(reported(incident_buttons.status))
    app.action(Action.INCIDENT_ROOT_CAUSE.value)(reported(incident_buttons.root_cause))
    app.action(Action.INCIDENT_ESCALATE.value)(reported(incident_buttons.escalate))
    app.action(Action.INCIDENT_APPROVE_ALL.value)(reported(incident_buttons.approve_all))
    app.action(Action.INCIDENT_REPLIED_BY_HAND.value)(reported(incident_buttons.replied_by_hand))
    app.action(Action.REPORT_NEAR_MISS.value)(reported(near_miss_buttons.report))
