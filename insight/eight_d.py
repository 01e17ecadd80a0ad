"""The 8D report of a complaint ticket, filled from what the ticket already records.

D1 team: everyone who recorded a step. D2 problem: the intake. D3 containment: the
service plan and the progress before the disposition form. D4 root cause: the QC reviews
and the disposition form, with the category and supplier. D5/D6 corrective action and its
verification: the disposition form, the customer's satisfaction and both sign-offs. D7
prevention: the preventive action and the CAPA effectiveness check. D8 closure and
recognition: the QC archive and the sales follow-up. A discipline with nothing recorded
says so rather than being left out: an 8D with a gap is what QC needs to see."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import CapaCheck, Ticket
from tickets.selectors import ticket_for_page


def ticket_for_report(number: str) -> Ticket:
    if "\x00" in number or len(number) > 20:
        raise ValueError(number)
    return ticket_for_page(number)


@dataclass
class Discipline:
    code: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, text)

    @property
    def empty(self) -> bool:
        return not any(text for _label, text in self.rows)


def _when(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def build(ticket: Ticket) -> dict:
    plans, reviews = list(ticket.plans.all()), list(ticket.qc_reviews.all())
    dispositions, signoffs = list(ticket.dispositions.all()), list(ticket.signoffs.all())
    archives, followups = list(ticket.archives.all()), list(ticket.followups.all())
    progress = list(ticket.progress.all())
    disposition = dispositions[-1] if dispositions else None
    checks = list(
        CapaCheck.objects.filter(ticket=ticket).select_related("verified_by").order_by("created_at")
    )

    team: dict[int, tuple[str, set]] = {}

    def member(user, role):
        _name, roles = team.setdefault(user.pk, (user.display_name, set()))
        roles.add(str(role))

    member(ticket.created_by, _("logged the complaint"))
    for p in plans:
        member(p.created_by, _("planned the service"))
    for a in ticket.assignments.all():
        member(a.created_by, _("assigned the service lead"))
    if ticket.service_lead_id:
        member(ticket.service_lead, _("service lead"))
    for r in reviews:
        member(r.created_by, _("QC review"))
    for s in signoffs:
        member(s.created_by, s.get_capacity_display())
    for a in archives:
        member(a.created_by, _("QC archive"))

    d = []
    d.append(
        Discipline(
            "D1",
            _("Team"),
            [(name, "、".join(sorted(roles))) for name, roles in team.values()]
            + [(str(_("QC review participants")), r.participants) for r in reviews],
        )
    )
    d.append(
        Discipline(
            "D2",
            _("Problem description"),
            [
                (str(_("Customer")), ticket.customer.name),
                (str(_("Product")), ticket.product.name if ticket.product_id else ""),
                (str(_("Lot/batch number")), ticket.lot_number),
                (str(_("Defect type")), ticket.defect_type.name if ticket.defect_type_id else ""),
                (str(_("Quantity affected")), f"{ticket.quantity.normalize():f}"),
                (str(_("Site / location")), ticket.site),
                (str(_("Logged")), _when(ticket.created_at)),
                (str(_("Severity")), ticket.get_severity_display()),
                (str(_("Customer's own words")), ticket.customer_words),
                (str(_("Defect description")), ticket.description),
            ],
        )
    )
    containment = [(f"{p.start_date} – {p.end_date} · {p.get_mode_display()}", p.scope) for p in plans]
    cutoff = disposition.created_at if disposition else None
    containment += [
        (_when(e.created_at), e.text) for e in progress if cutoff is None or e.created_at <= cutoff
    ]
    d.append(Discipline("D3", _("Containment actions"), containment))
    causes = [(str(_("QC review")) + " " + _when(r.created_at), r.root_cause) for r in reviews]
    if disposition:
        causes.append((str(_("Disposition form")), disposition.root_cause))
    causes.append((str(_("Root cause category")), ticket.get_root_cause_category_display()))
    causes.append((str(_("Responsible supplier")), ticket.supplier.name if ticket.supplier_id else ""))
    d.append(Discipline("D4", _("Root cause"), causes))
    actions = [(str(_("QC review")), r.solution) for r in reviews]
    if disposition:
        actions.append((str(_("Corrective action")), disposition.corrective_action))
        actions.append((str(_("Parts used")), disposition.parts_used))
    d.append(Discipline("D5", _("Corrective actions"), actions))
    verify = []
    if disposition:
        verify.append((str(_("Work done")), disposition.work_done))
        verify.append(
            (
                str(_("Customer satisfaction")),
                f"{disposition.get_satisfaction_display()}（{disposition.customer_signatory}）",
            )
        )
    verify += [
        (
            f"{s.get_capacity_display()} · {_when(s.created_at)}",
            f"{s.get_decision_display()} {s.comment}".strip(),
        )
        for s in signoffs
    ]
    d.append(Discipline("D6", _("Implementation and verification"), verify))
    prevent = [(str(_("Preventive action")), disposition.preventive_action)] if disposition else []
    for c in checks:
        result = c.get_status_display()
        if c.verified_at:
            result += f" · {_when(c.verified_at)} · {c.result_note}"
        prevent.append((str(_("CAPA effectiveness check due %(date)s") % {"date": c.due_on}), result))
    d.append(Discipline("D7", _("Prevent recurrence"), prevent))
    closure = [
        (
            str(_("QC archive")) + " " + _when(a.created_at),
            " ".join(x for x in (a.archive_ref, a.note) if x) or "✓",
        )
        for a in archives
    ]
    closure += [
        (str(_("Sales follow-up")) + " " + _when(f.created_at), f"{f.get_satisfaction_display()} · {f.note}")
        for f in followups
    ]
    d.append(Discipline("D8", _("Closure and recognition"), closure))
    return {"ticket": ticket, "disciplines": d, "disposition": disposition}
