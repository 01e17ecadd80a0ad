"""How complaints are classified for quality analysis: the defect seen (a list the plant
keeps in the admin) and the category of its root cause (人机料法环测 plus design,
transport and customer use), which is also what names the responsible department."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DefectType(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defect type")
        verbose_name_plural = _("defect types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RootCause(models.TextChoices):
    MAN = "man", _("Operator (man)")
    MACHINE = "machine", _("Equipment (machine)")
    MATERIAL = "material", _("Purchased material (supplier)")
    METHOD = "method", _("Process (method)")
    ENVIRONMENT = "environment", _("Environment")
    MEASUREMENT = "measurement", _("Inspection (measurement)")
    DESIGN = "design", _("Design")
    TRANSPORT = "transport", _("Transport and storage")
    CUSTOMER_USE = "customer_use", _("Customer use")


class Department(models.TextChoices):
    """The department a root cause points at (procedure §3.1–3.5, docs/insight.md: production
    makes and services, purchasing claims against suppliers, technical owns standards and
    design, the project department delivers and installs, sales looks after how the customer
    uses the goods)."""

    PRODUCTION = "production", _("Production department")
    PURCHASING = "purchasing", _("Purchasing department")
    TECHNICAL = "technical", _("Technical department")
    PROJECT = "project", _("Project department")
    SALES = "sales", _("Sales department")


DEPARTMENT_OF_ROOT_CAUSE = {
    RootCause.MAN: Department.PRODUCTION,
    RootCause.MACHINE: Department.PRODUCTION,
    RootCause.METHOD: Department.PRODUCTION,
    RootCause.ENVIRONMENT: Department.PRODUCTION,
    RootCause.MEASUREMENT: Department.PRODUCTION,
    RootCause.MATERIAL: Department.PURCHASING,
    RootCause.DESIGN: Department.TECHNICAL,
    RootCause.TRANSPORT: Department.PROJECT,
    RootCause.CUSTOMER_USE: Department.SALES,
}


def root_causes_of(department: str) -> list[str]:
    return [str(c) for c, d in DEPARTMENT_OF_ROOT_CAUSE.items() if d == department]
