from scheduling.models.bookings import Booking, BookingKind
from scheduling.models.meetings import (
    FamilyConsent,
    InspectorRule,
    Meeting,
    MeetingGroup,
    MeetingQuerySet,
    MeetingStatus,
    MeetingType,
    Mode,
    Unavailability,
    UnavailabilityReason,
)
from scheduling.models.releases import PlanRun, PlanRunStatus, Release, ReleaseMeeting
from scheduling.models.venues import Room, Travel, Venue, VenueKind

__all__ = [
    "Booking",
    "BookingKind",
    "FamilyConsent",
    "InspectorRule",
    "Meeting",
    "MeetingGroup",
    "MeetingQuerySet",
    "MeetingStatus",
    "MeetingType",
    "Mode",
    "PlanRun",
    "PlanRunStatus",
    "Release",
    "ReleaseMeeting",
    "Room",
    "Travel",
    "Unavailability",
    "UnavailabilityReason",
    "Venue",
    "VenueKind",
]
