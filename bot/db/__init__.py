"""Database: models, engine and per-unit-of-work sessions."""
