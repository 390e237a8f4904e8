from desk.models.concerns import Concern, ConcernAction, ConcernStatus
from desk.models.feedback import ContactFeedback
from desk.models.kits import ActionStatus, KitAction, KitNote
from desk.models.lines import LineOfEnquiry, LineStatus
from desk.models.requests import DueKind, InformationRequest, RequestStatus
from desk.models.tracking import CaseTrackingRequest, TrackingKind, TrackingStatus

__all__ = [
    "ActionStatus",
    "CaseTrackingRequest",
    "Concern",
    "ConcernAction",
    "ConcernStatus",
    "ContactFeedback",
    "DueKind",
    "InformationRequest",
    "KitAction",
    "KitNote",
    "LineOfEnquiry",
    "LineStatus",
    "RequestStatus",
    "TrackingKind",
    "TrackingStatus",
]
