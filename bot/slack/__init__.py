"""Talking to Slack outside a request: the outbox drainer (pacing, rate limits, once-only posts) and permissions.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
