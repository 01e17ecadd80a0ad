"""The all-tickets list as CSV or XLSX, with the list's own filters (docs/tickets.md).

CSV is streamed row by row as the database cursor yields them (UTF-8 with a BOM, so Excel
opens Chinese correctly); XLSX is written by openpyxl in write-only mode to a temporary
file and streamed from there. Rows are plain value tuples: no model is built per row.
A cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it."""

import csv
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ui.labels import choice_labels

from .models import Ticket

COLUMNS = [
    ("number", lambda: _("Number")),
    ("state", lambda: _("State")),
    ("created_at", lambda: _("Logged")),
    ("customer__name", lambda: _("Customer")),
    ("product__name", lambda: _("Product")),
    ("lot_number", lambda: _("Lot/batch number")),
    ("defect_type__name", lambda: _("Defect type")),
    ("root_cause_category", lambda: _("Root cause category")),
    ("supplier__name", lambda: _("Supplier")),
    ("severity", lambda: _("Severity")),
    ("safety", lambda: _("Safety issue")),
    ("remedy", lambda: _("Remedy asked")),
    ("quantity", lambda: _("Quantity affected")),
    ("description", lambda: _("Defect description")),
    ("service_lead__full_name", lambda: _("Service lead")),
    ("responded_at", lambda: _("First responded at")),
    ("resolved_at", lambda: _("Resolved at")),
]
CHUNK = 2000


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def header() -> list[str]:
    return [label() for _name, label in COLUMNS]


def rows(queryset):
    """Tuples of display strings, in COLUMNS order, read in chunks from a server-side cursor."""
    states, severities = choice_labels(Ticket, "state"), choice_labels(Ticket, "severity")
    causes, remedies = choice_labels(Ticket, "root_cause_category"), choice_labels(Ticket, "remedy")
    yes, no = _("yes"), _("no")
    names = [name for name, _label in COLUMNS]
    for values in queryset.order_by("-created_at", "-id").values_list(*names).iterator(chunk_size=CHUNK):
        row = dict(zip(names, values, strict=True))
        for key in ("created_at", "responded_at", "resolved_at"):
            row[key] = timezone.localtime(row[key]).strftime("%Y-%m-%d %H:%M") if row[key] else ""
        row["state"] = states.get(row["state"], row["state"])
        row["severity"] = severities.get(row["severity"], row["severity"])
        row["root_cause_category"] = causes.get(row["root_cause_category"], "")
        row["remedy"] = remedies.get(row["remedy"], row["remedy"])
        row["safety"] = yes if row["safety"] else no
        yield [_safe(row[name]) for name in names]


class _Echo:
    def write(self, value):
        return value


def csv_stream(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header())
    for row in rows(queryset):
        yield writer.writerow(row)


def xlsx_file(queryset):
    """A temporary file holding the workbook, positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("All tickets"))
    sheet.append(header())
    for row in rows(queryset):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it when sent
    workbook.save(handle)
    handle.seek(0)
    return handle
