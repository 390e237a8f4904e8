"""The base form: field ids equal field names, so hand-written GOV.UK inputs and the error
summary's links (#name) agree, and a DomainError from a service lands on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.forms import date_input
from inspections.services.errors import DomainError, InvalidFields


class GovForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_domain_error(self, exc: DomainError, field: str | None = None) -> None:
        """A service's refusal shown on the form: by field when it names them."""
        if isinstance(exc, InvalidFields):
            for name, message in exc.errors.items():
                self.add_error(name if name in self.fields else None, message)
            return
        self.add_error(field if field in self.fields else None, str(exc))

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the form's fields."""
        out: list[tuple[str, str]] = []
        first = next(iter(self.fields), "")
        for message in self.non_field_errors():
            out.append((first, str(message)))
        for name in self.fields:
            for message in self.errors.get(name, []):
                out.append((self.anchor(name), str(message)))
        return out

    def anchor(self, name: str) -> str:
        """Where a field's error links: its input, or a date's first wrong box."""
        field = self.fields[name]
        parsed = getattr(field, "parsed", None)
        if isinstance(parsed, date_input.DateInput):
            return f"{self[name].html_name}-{parsed.bad[0] if parsed.bad else 'day'}"
        return self[name].id_for_label or name

    def date_input(self, name: str, initial: dt.date | None = None) -> date_input.DateInput:
        """The GOV.UK date input of field `name` as its template shows it."""
        field = self.fields[name]
        parsed = getattr(field, "parsed", None)
        html_name = self[name].html_name
        if isinstance(parsed, date_input.DateInput):
            shown = date_input.DateInput(
                html_name, str(field.label), parsed.values, parsed.date, parsed.error, parsed.bad
            )
            if name in self.errors and not shown.error:
                # the date parsed but was refused (a weekend, a bank holiday): every box
                date_input.set_error(shown, str(self.errors[name][0]))
            return shown
        return date_input.initial(html_name, str(field.label), initial)


def invalid_form_response(
    request: HttpRequest, form: GovForm, *, heading: str, back: str = ""
) -> HttpResponse:
    """A 400 page with the form's error summary, for a POST that has no page of its own
    (a button on a list, a stale browser tab, a script): nothing was changed."""
    return render(
        request,
        "form_invalid.html",
        {"form": form, "heading": heading, "back": back},
        status=400,
    )
