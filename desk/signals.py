"""What the desk tells the apps above it (they connect receivers in their ready())."""

from django.dispatch import Signal

# Sent with `concern_pk` once a logged concern is committed: notify tells those who must see
# concerns at once, whatever they chose to receive.
concern_logged = Signal()
