"""The roles people hold. Each role is a Django group created by a data migration.

The group's name is the role's value (a stable slug used in code); people see the label.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    PRODUCTION_MANAGER = "production_manager", _("Production manager")
    SERVICE_LEAD = "service_lead", _("Service lead")
    QC = "qc", _("Production QC")
    PURCHASING = "purchasing", _("Purchasing")
    TECHNICAL = "technical", _("Technical support")
    FINANCE = "finance", _("Finance")
    GENERAL_MANAGER = "general_manager", _("General manager")


# Roles that read but never act (the general manager): actions registered "for every role"
# name WORKING_ROLES instead of Role when they write anything.
READ_ONLY_ROLES = frozenset({Role.GENERAL_MANAGER})
WORKING_ROLES = [r for r in Role if r not in READ_ONLY_ROLES]
