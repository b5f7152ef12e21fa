"""Pure Block Kit builders: plain data in (views.py), Slack JSON out; every message text lives here. No I/O.

Imports only itself and the stored vocabulary (bot/db/enums.py).
"""
