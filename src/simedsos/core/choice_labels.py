"""Fast `get_<field>_display()` for models whose choice labels show in long lists."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict[Any, Any]:
    """value -> (lazy) label of a field's choices, built once per field.

    The labels stay lazy, so each call still answers in the active language.
    """
    return {value: label for value, label in field.flatchoices}


class ChoiceLabels:
    """Mixin (before models.Model) replacing Django's `_get_FIELD_display`.

    Django's version rebuilds a hashable copy of every choice on each call, which hashes
    (and so translates) every lazy label: a list page of 25 items with five labelled
    fields spent about a thousand gettext calls on it. Choices here are fixed at start-up
    (enums, or the platform list), so the mapping is built once per field.
    """

    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value (e.g. a list): no label to look up
            label = value
        return force_str(label, strings_only=True)
