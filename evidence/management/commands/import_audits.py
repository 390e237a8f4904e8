"""`manage.py import_audits <slug> FILE`: the list of the last 6 months' audits."""

from evidence.management.commands._importing import ImportCommand
from evidence.services.audits import COLUMNS, import_audits


class Command(ImportCommand):
    help = f"Import the audit list (columns: {', '.join(COLUMNS)}); nothing is written if any row is bad."
    service = staticmethod(import_audits)
