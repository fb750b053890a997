"""Form pieces shared by every app's pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files; each is validated like a single FileField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def add_service_errors(form: forms.BaseForm, exc: DjangoValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    errors: Mapping[str, list[str]] = (
        exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    )
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
