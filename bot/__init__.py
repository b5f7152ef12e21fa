"""Complaint Bot: wiring, settings, database, services and the ingest pipeline."""
