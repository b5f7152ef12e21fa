"""One module per trigger (a button, /complaint, a poll, the webhook, a reminder, the digest): check who may,
open one unit of work (`rt.transaction()`) and hand its session to services, build messages with message_blocks,
queue Slack work in the outbox and drain it. No SQL here.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
