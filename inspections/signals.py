"""What the inspections app tells the apps above it (they connect receivers in ready())."""

from django.dispatch import Signal

# Sent with `inspection` after its day one moved and its tasks were re-dated, inside the
# same transaction: placements and anything else in absolute time must follow or be cleared.
day_one_moved = Signal()
