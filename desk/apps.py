from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The coordinator's desk for the on-site weeks: inspectors' requests, case tracking as it
    arrives, KIT notes and actions, feedback after every contact, concerns about a child and
    the lines of enquiry they answer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Coordinator's desk"
