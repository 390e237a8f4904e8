"""One way for every import page to take a file and report its problems by row and field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from inspections.forms.imports import ImportForm
from inspections.models import Inspection
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.spreadsheets import check_size


@dataclass
class UploadOutcome:
    done: bool
    heading: str = ""
    problems: list[str] = field(default_factory=list)


def run_import(
    request: HttpRequest,
    inspection: Inspection,
    importer: Callable[[Inspection, str, bytes], Any],
) -> UploadOutcome:
    """The POSTed `file` through importer(inspection, name, bytes): a success message, or why not."""
    upload = request.FILES.get("file")
    if upload is None:
        return UploadOutcome(False, problems=["Choose a CSV or Excel file to upload."])
    name = upload.name or "upload"
    try:
        check_size(name, upload.size or 0)  # before .read(): the upload may be on disk, and large
        result = importer(inspection, name, upload.read())
    except ImportFailed as exc:
        return UploadOutcome(False, exc.args[0], exc.problems)
    except DomainError as exc:
        return UploadOutcome(False, problems=[str(exc)])
    messages.success(request, f"Imported {upload.name}: {result}.")
    return UploadOutcome(True)


def import_page(
    request: HttpRequest,
    inspection: Inspection,
    importer: Callable[[Inspection, str, bytes], Any],
    form: ImportForm,
    *,
    template: str,
    done: str,
    context: dict[str, object],
) -> HttpResponse:
    if form.is_bound and form.is_valid():
        outcome = run_import(request, inspection, importer)
        if outcome.done:
            return redirect(done, slug=inspection.slug)
        # the file's verdict, then every problem by row and field; each links to the file input
        problems = [outcome.heading] if outcome.heading else []
        for problem in problems + outcome.problems or ["The file could not be imported."]:
            form.add_error("file", problem)
    return render(
        request,
        template,
        {"inspection": inspection, "form": form, **context},
        status=400 if form.errors else 200,
    )
