"""All SQL and every state change. Each function takes the session keyword-only, knows nothing of Slack and returns plain views.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
