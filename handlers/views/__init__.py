from slack_bolt import App

from handlers.guard import reported
from handlers.views import case_modals, incident_modals
from message_blocks.ids import View


def register(app: App) -> None:
    app.view(View.DRAFT.value)(reported(case_modals.draft_submitted))
    app.view(View.REPLY_SENT.value)(reported(case_modals.reply_sent_submitted))
    app.view(View.ESCALATE.value)(reported(case_modals.escalate_submitted))
    app.view(View.RESOLVE.value)(reported(case_modals.resolve_submitted))
    app.view(View.JOIN_INCIDENT.value)(reported(incident_modals.join_submitted))
    app.view(View.INCIDENT_ROOT_CAUSE.value)(reported(incident_modals.root_cause_submitted))
    app.view(View.INCIDENT_ESCALATE.value)(reported(incident_modals.escalate_submitted))
