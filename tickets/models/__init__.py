from .capa import CapaCheck
from .classification import DEPARTMENT_OF_ROOT_CAUSE, DefectType, Department, RootCause, root_causes_of
from .commissioning import Installation, InstallationEvent, InstallationIssue
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
    register_event_text,
)
from .ticket import Channel, Emotion, Remedy, Severity, State, Ticket, TicketCounter
from .watch import Watcher

__all__ = [
    "DEPARTMENT_OF_ROOT_CAUSE",
    "ArchiveRecord",
    "Assignment",
    "CapaCheck",
    "Channel",
    "DefectType",
    "Department",
    "Disposition",
    "Emotion",
    "Event",
    "FollowUp",
    "Installation",
    "InstallationEvent",
    "InstallationIssue",
    "KeptPhoto",
    "Photo",
    "ProgressEntry",
    "PurchaseRequest",
    "QCReview",
    "Remedy",
    "RootCause",
    "ServicePlan",
    "Severity",
    "SignOff",
    "SlaEscalation",
    "SlaTarget",
    "State",
    "Ticket",
    "TicketCounter",
    "Watcher",
    "register_event_text",
    "root_causes_of",
]
