"""Database: models, engine, per-unit-of-work sessions, migrations (the stored vocabulary is bot/domain/enums.py).

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
