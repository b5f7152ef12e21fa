"""ORM rows -> the plain views the Block Kit builders take: one copy function, field by field by name."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from bot.db.models import Case
from bot.domain.views import CaseView

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

View = TypeVar("View", bound="DataclassInstance")


def view_of(view: type[View], *rows: object | None, **given: Any) -> View:
    """A `view` whose fields are `given`, else the same-named attribute of the first row that has one.

    A field found nowhere is a mistake (a renamed column, a misspelt field) and raises, unless one
    of the rows is None (an optional row that is not there): its fields then keep their defaults.
    """
    values = dict(given)
    present = [row for row in rows if row is not None]
    for field in fields(view):
        if field.name in values:
            continue
        row = next((row for row in present if hasattr(row, field.name)), None)
        if row is not None:
            values[field.name] = getattr(row, field.name)
        elif len(present) == len(rows):
            raise AttributeError(f"{view.__name__}.{field.name}: none of the rows has it and it was not given")
    return view(**values)


def case_view(case: Case) -> CaseView:
    """The case (its own columns first) and the mention that opened it."""
    first = case.mention
    return view_of(
        CaseView,
        case,
        first,
        case_id=case.id,
        reasons=tuple(first.reasons or ()),
        evidence=first.evidence or "",
        topics=tuple(case.topics or ()),
        similar_urls=tuple(m.url for m in case.mentions[1:]),
    )
