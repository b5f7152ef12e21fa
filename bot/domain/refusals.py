"""What the bot refuses on purpose. These, and only these, are explained to the person in our own words.

Any other exception reaching the error path (bot/flows/errors.py) is a bug: it is logged with
its traceback and a short reference, and the person is shown the reference.
"""

from __future__ import annotations


class Refusal(Exception):
    """A request we decline on purpose; unless the error path has a builder for the type, str(error) is what the person reads."""


class NotUnderstood(Refusal, ValueError):
    """A request we cannot read: a button value, a form choice or an argument that is not one we offered."""
