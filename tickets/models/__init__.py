from .sla import SlaEscalation, SlaTarget
from .steps import (
    ArchiveRecord,
    Assignment,
    Disposition,
    Event,
    FollowUp,
    Photo,
    ProgressEntry,
    PurchaseRequest,
    QCReview,
    ServicePlan,
    SignOff,
)
from .ticket import Channel, Emotion, Remedy, Severity, State, Ticket, TicketCounter

__all__ = [
    "ArchiveRecord",
    "Assignment",
    "Channel",
    "Disposition",
    "Emotion",
    "Event",
    "FollowUp",
    "Photo",
    "ProgressEntry",
    "PurchaseRequest",
    "QCReview",
    "Remedy",
    "ServicePlan",
    "Severity",
    "SignOff",
    "SlaEscalation",
    "SlaTarget",
    "State",
    "Ticket",
    "TicketCounter",
]
