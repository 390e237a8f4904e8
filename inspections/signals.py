"""What the inspections app tells the apps above it (they connect receivers in ready())."""

from django.dispatch import Signal

# Sent with `inspection` after its day one moved and its tasks were re-dated, inside the
# same transaction: placements and anything else in absolute time must follow or be cleared.
day_one_moved = Signal()

# Sent with `inspection` when the workflow template is applied without event dates: a receiver
# returns {event kind: date} for the events it has recorded (inspections.workflow.EVENTS), and
# the tasks hanging off them are dated from those dates instead of provisionally.
event_dates_wanted = Signal()

# Sent with `inspection` when a person (the new-inspection page, `new_inspection`) created it,
# inside the same transaction: the council copies its readiness on the day of the call onto it.
inspection_created = Signal()
