"""What the scheduling app tells the apps above it (they connect receivers in ready())."""

from django.dispatch import Signal

# Sent with `release_pk` once a release is committed (publish() sends it on commit, so no
# receiver reads a release that was rolled back): notify sends change notices and invitations.
release_published = Signal()
