from django.apps import AppConfig


class AftermathConfig(AppConfig):
    """After the on-site weeks: the events Ofsted sets (draft report, publication date, final
    report) that the aftermath's tasks are dated from, and the factual-accuracy comments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "aftermath"

    def ready(self) -> None:
        # a lower app asks this one through a signal; services import models: loaded only now
        from aftermath.services import supply_event_dates  # noqa: PLC0415
        from inspections.signals import event_dates_wanted  # noqa: PLC0415

        # re-applying the template anywhere (day one moved, scenario reloaded) keeps the
        # recorded event dates
        event_dates_wanted.connect(supply_event_dates, dispatch_uid="aftermath-event-dates")
