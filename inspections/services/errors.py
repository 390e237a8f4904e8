class DomainError(Exception):
    """An error a user can act on; views and commands show its message as is."""


class InspectionNotFound(DomainError):
    pass


class TaskBlocked(DomainError):
    pass


class ImportFailed(DomainError):
    """A file with problems; nothing was written. `problems` names each row and field."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(f"  - {p}" for p in self.problems)])


class InvalidFields(DomainError):
    """A form's input with problems; nothing was written. `errors` maps each field to a
    message that names it, so a page can show it beside the field and in its error summary."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors
