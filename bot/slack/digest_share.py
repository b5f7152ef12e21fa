"""Sharing the digest with its chart in one message, through Slack's upload flow.

files.getUploadURLExternal (name, length) -> POST the bytes to the URL it returns ->
files.completeUploadExternal (the file, the channel, the digest's blocks). slack_sdk's
files_upload_v2 makes exactly these three calls.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from slack_sdk import WebClient


def share_digest(client: WebClient, channel: str, payload: dict[str, Any]) -> None:
    client.files_upload_v2(
        content=base64.b64decode(payload["chart"]),
        filename=payload["filename"],
        title=payload["title"],
        alt_txt=payload["alt"],
        channel=channel,
        # The whole digest in text: complete for people with images off. (Slack ignores blocks given an initial_comment.)
        blocks=json.dumps(payload["blocks"]),
    )
