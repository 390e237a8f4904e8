"""The upload form every import page shares: one file, required, size-capped before reading."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from inspections.forms.base import GovForm
from inspections.services.spreadsheets import LIST_LIMITS, FileRefused, check_size


class ImportForm(GovForm):
    file = forms.FileField(
        label="Spreadsheet",
        error_messages={
            "required": "Choose a CSV or Excel file to upload",
            "empty": "The selected spreadsheet is empty",
            "invalid": "The spreadsheet could not be read: choose a CSV or Excel file",
            "missing": "Choose a CSV or Excel file to upload",
        },
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # the size Django counted as it stored the upload: nothing has been read from it yet
        limits = replace(
            LIST_LIMITS, max_bytes=min(settings.MAX_UPLOAD_BYTES, LIST_LIMITS.max_bytes)
        )
        try:
            check_size(upload.name or "upload", upload.size or 0, limits)
        except FileRefused as exc:
            raise ValidationError(str(exc), code="size") from exc
        return upload
