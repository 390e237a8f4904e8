"""`manage.py import_library <slug> FILE`: the library index from CSV or Excel."""

from evidence.management.commands._importing import ImportCommand
from evidence.services.library import COLUMNS, import_library


class Command(ImportCommand):
    help = f"Import the library index (columns: {', '.join(COLUMNS)}); nothing is written if any row is bad."
    service = staticmethod(import_library)
