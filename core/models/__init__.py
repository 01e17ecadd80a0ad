from .commitments import Commitment
from .masterdata import Contact, Customer, MaterialBatch, Product, Shipment, Site, Supplier
from .notifications import Notification
from .users import User

__all__ = [
    "Commitment",
    "Contact",
    "Customer",
    "MaterialBatch",
    "Notification",
    "Product",
    "Shipment",
    "Site",
    "Supplier",
    "User",
]
