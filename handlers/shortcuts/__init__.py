from slack_bolt import App

from handlers.guard import reported
from handlers.shortcuts import report_as_complaint

REPORT_AS_COMPLAINT = "report-as-complaint"  # as in slack-manifest.yml


def register(app: App) -> None:
    app.message_shortcut(REPORT_AS_COMPLAINT)(reported(report_as_complaint.report))
