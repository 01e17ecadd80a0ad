from .chart import Account, VatRate
from .disputes import EvidenceFile, QualityDispute, SupplierClaim
from .exports import ExportJob
from .vouchers import Period, Voucher, VoucherCounter, VoucherEvent, VoucherLine

__all__ = [
    "Account",
    "EvidenceFile",
    "ExportJob",
    "Period",
    "QualityDispute",
    "SupplierClaim",
    "VatRate",
    "Voucher",
    "VoucherCounter",
    "VoucherEvent",
    "VoucherLine",
]
