"""Form pieces several pages share: a person filter that is typed, never a list of everyone.

A national reader sees thousands of users; a select of them made every filtered page grow
with the number of accounts. Instead a page has two fields: the text typed (part of a name,
username or NIP, matched among the units the reader sees) and the id of one person chosen by
a link, carried as a hidden field so that other filters can change around it. The page's own
words (labels, messages) are passed in: each says what is filtered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms

from simedsos.accounts.models import User
from simedsos.accounts.selectors import (
    SEARCH_MAX_LENGTH,
    PeopleMatches,
    search_people,
    users_of_units,
)


def person_search_field(
    *, label: str, help_text: str, suggestions_id: str, suggest_url: str
) -> forms.CharField:
    """The text field; suggestions (at most ten people) fill `<datalist id=suggestions_id>`."""
    return forms.CharField(
        label=label,
        label_suffix="",  # the labels end with a colon of their own
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "list": suggestions_id,
                "hx-get": suggest_url,
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{suggestions_id}",
                "hx-swap": "innerHTML",
                # A form that pushes its own URL to the history must not push the suggestions'.
                "hx-push-url": "false",
            }
        ),
    )


def person_id_field(*, not_found: str) -> forms.ModelChoiceField:
    """The hidden id of the person chosen by a link; `not_found` when it is not a visible one."""
    return forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": not_found},
    )


@dataclass(frozen=True)
class PeopleFilter:
    ids: frozenset[int] | None = None  # None: anyone; empty: nobody qualifies, show nothing
    matches: PeopleMatches | None = None  # the people the typed text found
    person: User | None = None  # the one person chosen by id


class PersonFields:
    """The person filter of one form: its text field and its id field, among `unit_ids`.

    Create it in the form's `__init__`, after the fields exist; call `result()` once the form
    has been validated.
    """

    def __init__(
        self,
        form: forms.Form,
        *,
        text: str,
        chosen: str,
        unit_ids: Iterable[int],
        role: str | None = None,
    ) -> None:
        self.form, self.text, self.chosen = form, text, chosen
        self.unit_ids, self.role = unit_ids, role
        if form.data.get(chosen):
            # Resolving an id costs one query for that id; nothing here lists the users. Someone
            # outside the visible units is not found, so neither their name nor records show.
            # Built only when an id is given: a national reader's 550 unit ids cost time to bind.
            form.fields[chosen].queryset = users_of_units(unit_ids, role=role).only(
                "pk", "full_name", "username"
            )
        self._result: PeopleFilter | None = None

    def result(self) -> PeopleFilter:
        """The people to filter by.

        A person filter that cannot be applied filters out everything rather than nothing:
        the reader asked about someone and must not mistake everyone's records for theirs.
        Typed text replaces a person chosen by link: the form carries that person along as a
        hidden field, so both arrive only when the reader has typed someone new.
        """
        if self._result is None:
            self._result = self._resolve()
        return self._result

    def _resolve(self) -> PeopleFilter:
        errors = self.form.errors
        if self.text in errors or self.chosen in errors:
            return PeopleFilter(ids=frozenset())
        data = getattr(self.form, "cleaned_data", {})
        if text := data.get(self.text, ""):
            matches = search_people(self.unit_ids, text, role=self.role)
            return PeopleFilter(ids=matches.ids, matches=matches)
        if person := data.get(self.chosen):
            return PeopleFilter(ids=frozenset({person.pk}), person=person)
        return PeopleFilter()
