"""Sharing the digest with its chart in one message, through Slack's upload flow.

files.getUploadURLExternal (name, length) -> POST the bytes to the URL it returns ->
files.completeUploadExternal (the file, the channel, the digest's blocks). slack_sdk's
files_upload_v2 makes exactly these three calls.
"""

from __future__ import annotations

import base64
import json

from slack_sdk import WebClient

from bot.domain.outbox import DigestWithChart


def share_digest(client: WebClient, channel: str, digest: DigestWithChart) -> None:
    client.files_upload_v2(
        content=base64.b64decode(digest.chart),
        filename=digest.filename,
        title=digest.title,
        alt_txt=digest.alt,
        channel=channel,
        # The whole digest in text: complete for people with images off. (Slack ignores blocks given an initial_comment.)
        blocks=json.dumps(digest.blocks),
    )
