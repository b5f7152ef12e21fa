"""Database: models, the stored vocabulary (enums), engine, per-unit-of-work sessions, migrations. Imports nothing else of ours."""
