"""Talking to Slack outside a request: the outbox drainer (pacing, rate limits, once-only posts) and permissions.

May import bot/services, bot/db, bot/config and message_blocks; never flows or handlers.
"""
