"""The upload form every import page shares: one file, required, size-capped before reading."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from inspections.forms.base import GovForm


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
        cap = settings.MAX_UPLOAD_BYTES
        if (upload.size or 0) > cap:
            raise ValidationError(
                f"The spreadsheet must be smaller than {cap // (1024 * 1024)} MB", code="size"
            )
        return upload
