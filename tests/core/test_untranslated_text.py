"""No page mixes its languages (issue 15 point 8): every page of the site, opened as the
people who use it, in Chinese shows no English word outside a short list of names and codes,
and in English no Chinese character outside the data (customers, accounts, what people wrote).

The main pages, each opened by the roles that work on it, with the small world of
tests/security (a ticket at several steps, a dispute with vouchers, an objection, a promise,
notifications…) to show. Visible text is read with an HTML parser: text nodes outside
script/style/template, plus the attributes a person reads (title, placeholder, aria-label, alt,
button values); form field values are data, not text. What the database holds is data: each
string stored in any text column (or inside a JSON column) is removed from the text before it
is checked, so a Chinese customer name on an English page is no finding.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client

from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db

# Names that stay as they are in Chinese text: abbreviations and the products named on the
# pages. Codes with a digit (D1…D8, QD-00001, U8, UTF-8, K/3) are never findings.
ALLOWED_IN_CHINESE = {
    "CAPA",  # corrective and preventive action: the quality term used as is
    "QC",
    "PDF",
    "CSV",
    "XLSX",
    "Excel",
    "Word",
    "PowerPoint",
    "JSON",
    "API",
    "PNG",
    "JPEG",
    "JPG",
    "UTC",  # 北京时间 (UTC+8): the zone's offset beside every date-time box
    "http",  # a link shown to be copied (the portal's tracking link)
    "https",
    "MB",
    "KB",
    "BOM",  # "UTF-8 with BOM", what Excel needs to read a CSV
    "WISE",  # 金蝶 K/3 WISE, the accounting software's name
    "Ctrl",
    "Enter",
}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_/-])[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*")
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm"}


class VisibleText(HTMLParser):
    """The text a person reads on the page, one string per text node or attribute."""

    HIDDEN = {"script", "style", "template", "textarea", "noscript"}

    def __init__(self, language: str = ""):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0
        self._other_language: list[str] = []  # open elements in another language (lang="…")
        self.language = language

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if self.language and attrs.get("lang") and not attrs["lang"].startswith(self.language[:2]):
            self._other_language.append(tag)  # e.g. the language menu's "简体中文" on an English page
            self._hidden += 1
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if self._other_language and self._other_language[-1] == tag:
            self._other_language.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str, language: str = "") -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return parser.texts


def _strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


# Columns that hold what the system wrote, not data: a notification's text as first worded
# (shown only for rows from before templates were kept). The check must see them.
SYSTEM_TEXT = {"core.notification": {"subject", "body"}}


def stored_strings() -> list[str]:
    """Every string the database holds (and each of its lines), longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and f.attname not in SYSTEM_TEXT.get(model._meta.label_lower, ())
        ]
        if not fields or model._meta.proxy:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                _strings(value, found)
    pieces = set()
    for s in found:
        for piece in [s, *s.splitlines(), *re.split(r"[\s,;；，、]+", s)]:
            piece = piece.strip()
            if len(piece) >= 2 or HAN.search(piece):
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def findings(html: str, language: str, data: list[str]) -> list[str]:
    found = []
    for text in visible_texts(html, language):
        rest = without_data(text, data)
        if language == "en":
            if HAN.search(rest):
                found.append(text)
        else:
            words = [
                w
                for w in LATIN_WORD.findall(rest)
                if w not in ALLOWED_IN_CHINESE and len(w) > 1 and not re.search(r"[0-9]", w)
            ]
            if words:
                found.append(f"{text}  ← {' '.join(words)}")
    return found


def main_pages(world) -> list[tuple[str, list[str]]]:
    """(url, the roles that open it): the pages people work on every day."""
    t = world.tickets
    ticket_people = ["sales", "project", "production", "service", "qc"]
    return [
        ("/", ["sales", "project", "production", "service", "qc", "finance", "gm", "purchasing"]),
        ("/tickets/all/", ["sales", "qc"]),
        ("/tickets/mine/", ["sales", "service", "qc"]),
        ("/tickets/new/", ["sales"]),
        (t.fresh.get_absolute_url(), ticket_people),
        (t.assigned.get_absolute_url(), ticket_people),
        (t.archived.get_absolute_url(), ["sales", "qc", "finance"]),
        (f"/tickets/{t.archived.number}/disposition/", ["qc"]),
        ("/tickets/purchases/", ["purchasing"]),
        ("/tickets/capa/", ["qc"]),
        ("/tickets/installations/", ["project"]),
        (world.installation.get_absolute_url(), ["project", "qc"]),
        ("/promises/", ["sales"]),
        ("/promises/team/", ["sales_manager"]),
        ("/notifications/", ["sales", "project", "qc"]),
        ("/objections/mine/", ["sales"]),
        ("/objections/", ["sales_manager"]),
        ("/objections/new/", ["sales"]),
        (f"/objections/{world.objection.pk}/", ["sales"]),
        ("/objections/playbook/", ["sales"]),
        ("/objections/trends/", ["sales_manager"]),
        ("/objections/customers/", ["sales"]),
        (f"/objections/customers/{world.customer.pk}/", ["sales"]),
        ("/accounting/disputes/", ["finance"]),
        ("/accounting/disputes/new/", ["finance"]),
        (f"/accounting/disputes/{world.dispute.pk}/", ["finance"]),
        ("/accounting/vouchers/", ["finance"]),
        (f"/accounting/vouchers/{world.voucher.pk}/", ["finance"]),
        ("/accounting/periods/", ["finance"]),
        ("/accounting/exports/", ["finance"]),
        ("/accounting/claims/", ["finance"]),
        ("/insight/", ["gm", "qc"]),
        ("/insight/service-levels/", ["gm"]),
        (f"/insight/8d/{t.archived.number}/", ["qc"]),
        ("/login/", [""]),
        ("/no-such-page/", ["sales"]),
    ]


def crawl(world, language: str, data: list[str]) -> dict[str, list[str]]:
    report: dict[str, set[str]] = {}
    clients = {}
    for url, roles in main_pages(world):
        for role in roles:
            if role not in clients:
                clients[role] = Client()
                clients[role].cookies[settings.LANGUAGE_COOKIE_NAME] = language
                if role:
                    clients[role].force_login(world.people[role])
            response = clients[role].get(url, follow=True)
            assert response.status_code in (200, 404), (url, role, response.status_code)
            for finding in findings(response.content.decode(), language, data):
                report.setdefault(finding, set()).add(f"{url} ({role or 'anonymous'})")
    return {k: sorted(v)[:3] for k, v in report.items()}


@pytest.fixture
def world_in_both(settings):
    return build_world(settings)


def _format(report: dict[str, list[str]]) -> str:
    return "\n".join(f"{text!r}  on {', '.join(where)}" for text, where in sorted(report.items()))


def test_every_page_speaks_one_language(world_in_both):
    data = stored_strings()
    chinese = crawl(world_in_both, "zh-hans", data)
    english = crawl(world_in_both, "en", data)
    assert not chinese and not english, (
        f"English in the Chinese pages:\n{_format(chinese)}\n\n"
        f"Chinese in the English pages:\n{_format(english)}"
    )


def test_the_checker_finds_what_it_should():
    html = (
        '<p title="Open">打开 <b>Voucher</b>：记-0001</p><script>var x = "zh";</script>'
        '<input name="q" value="Leak"><textarea>用户写的 text</textarea><button>CAPA 验证 D8</button>'
        '<select><option lang="en">English</option><option lang="zh-hans">简体中文</option></select>'
    )
    texts = ["Open", "打开", "Voucher", "：记-0001", "CAPA 验证 D8", "English", "简体中文"]
    assert visible_texts(html) == texts
    assert findings(html, "zh-hans", []) == ["Open  ← Open", "Voucher  ← Voucher"]
    assert findings(html, "en", ["记-0001"]) == ["打开", "CAPA 验证 D8"]
