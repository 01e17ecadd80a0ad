from .capa import CapaCheck
from .commissioning import Installation, InstallationIssue
from .kept_photo import KeptPhoto
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
    "CapaCheck",
    "Channel",
    "Disposition",
    "Emotion",
    "Event",
    "FollowUp",
    "Installation",
    "InstallationIssue",
    "KeptPhoto",
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
