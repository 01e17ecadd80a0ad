"""The placeholders a reply template may use, and filling them from a complaint. Names are
Chinese because the people writing templates are; an unknown one is refused when saving."""

import re
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from promises.selectors import open_commitments_of

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _callback(record) -> str:
    promises = open_commitments_of(record)
    return f"{timezone.localtime(promises[0].due_at):%m月%d日 %H:%M}" if promises else ""


# name → (what it stands for, how to read it from the record and the person writing)
PLACEHOLDERS: dict[str, tuple[str, Callable]] = {
    "客户": (_("the customer's name"), lambda r, u: r.customer.name),
    "联系人": (_("the person who called"), lambda r, u: getattr(r, "caller_name", "") or ""),
    "单号": (_("the complaint number"), lambda r, u: getattr(r, "number", "")),
    "产品": (_("the product"), lambda r, u: str(getattr(r, "product", "") or "")),
    "今天": (_("today's date"), lambda r, u: f"{timezone.localdate():%Y年%m月%d日}"),
    "回电时间": (_("the promised call-back time"), lambda r, u: _callback(r)),
    "我": (_("your name"), lambda r, u: u.display_name),
}


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})


def fill(body: str, record, user) -> str:
    """The template with the record's values; a value the record lacks becomes "____", a gap
    the speaker sees and fills in, never a wrong fact."""
    values = {name: (read(record, user) or "____") for name, (_doc, read) in PLACEHOLDERS.items()}
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), body)


def described() -> list[tuple[str, str]]:
    return [("{" + name + "}", str(doc)) for name, (doc, _read) in PLACEHOLDERS.items()]
