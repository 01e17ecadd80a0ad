from .chart import Account, VatRate
from .disputes import QualityDispute
from .exports import ExportJob
from .vouchers import Period, Voucher, VoucherCounter, VoucherEvent, VoucherLine

__all__ = [
    "Account",
    "ExportJob",
    "Period",
    "QualityDispute",
    "VatRate",
    "Voucher",
    "VoucherCounter",
    "VoucherEvent",
    "VoucherLine",
]
