"""Form fields and the base form that every page's forms build on (GOV.UK style messages)."""

from inspections.forms.base import GovForm, invalid_form_response
from inspections.forms.fields import (
    ChildIdField,
    ChildIdListField,
    DayNumberField,
    GovDateField,
    WholeNumberField,
    day_number_field,
)

__all__ = [
    "ChildIdField",
    "ChildIdListField",
    "DayNumberField",
    "GovDateField",
    "GovForm",
    "WholeNumberField",
    "day_number_field",
    "invalid_form_response",
]
