"""The all-tickets list as CSV or XLSX, with the list's own filters (docs/tickets.md).

CSV is streamed row by row as the database cursor yields them (UTF-8 with a BOM, so Excel
opens Chinese correctly). XLSX is streamed too: a workbook is a zip of XML parts, and
Python's zipfile writes a zip to a stream that cannot seek (each part's sizes follow it in
a data descriptor), so the sheet's rows are deflated and sent as they are read; the first
bytes leave before the query runs (openpyxl can only save a whole file). Every cell is an
inline string, as the list shows it. Rows are plain value tuples: no model is built per row.
A cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it."""

import csv
import zipfile
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

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


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
FLUSH_ROWS = 500


class _Sink:
    """Where zipfile writes: collects the bytes until the response takes them (no seek,
    no tell, so zipfile streams)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _row_xml(number: int, values: list[str]) -> str:
    cells = []
    for column, value in enumerate(values, start=1):
        text = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
        ref = f"{get_column_letter(column)}{number}"
        cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def xlsx_stream(queryset):
    """The workbook's bytes, in pieces, while the rows are read."""
    sink = _Sink()
    sheet_name = escape(_("All tickets"))
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _STATIC_PARTS.items():
            archive.writestr(name, _XML + xml)
        archive.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        yield sink.take()
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            sheet.write(_row_xml(1, header()).encode())
            for number, row in enumerate(rows(queryset), start=2):
                sheet.write(_row_xml(number, row).encode())
                if number % FLUSH_ROWS == 0:
                    yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()
