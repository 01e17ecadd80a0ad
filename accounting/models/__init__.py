from .chart import Account, VatRate
from .disputes import EvidenceFile, QualityDispute
from .exports import ExportJob
from .vouchers import Period, Voucher, VoucherCounter, VoucherEvent, VoucherLine

__all__ = [
    "Account",
    "EvidenceFile",
    "ExportJob",
    "Period",
    "QualityDispute",
    "VatRate",
    "Voucher",
    "VoucherCounter",
    "VoucherEvent",
    "VoucherLine",
]
