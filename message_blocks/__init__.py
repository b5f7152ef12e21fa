"""Pure Block Kit builders: plain data in (bot/domain/views.py), Slack JSON out; every message text lives here. No I/O.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
