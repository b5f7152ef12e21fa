"""Complaint Bot. The modules at the top of bot/ are the wiring (CLI, lifecycles, Bolt app, web edge, scheduler),
the runtime handed to every flow, and the environment and TOML settings.

The layers, top to bottom, and what each may import: docs/architecture.md (tests/unit/test_architecture.py checks it).
"""
