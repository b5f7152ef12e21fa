"""ORM rows -> views by one function: a field found nowhere is an error, not a silent default."""

from types import SimpleNamespace

import pytest

from bot.domain.views import EventView, SourceHealthView
from bot.services.views import view_of


def test_given_values_win_then_the_first_row_that_has_the_field() -> None:
    first, second = SimpleNamespace(at=1, actor="first"), SimpleNamespace(actor="second", action="claimed")
    assert view_of(EventView, first, second, at=0) == EventView(at=0, actor="first", action="claimed")


def test_a_field_no_row_has_is_an_error() -> None:
    with pytest.raises(AttributeError, match="EventView.action"):
        view_of(EventView, SimpleNamespace(at=1, actor="bot"))


def test_a_missing_optional_row_leaves_the_defaults() -> None:
    assert view_of(SourceHealthView, None, name="rss", kind="rss", enabled=True) == SourceHealthView("rss", "rss", True)
