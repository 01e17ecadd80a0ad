"""The chart of accounts (standard codes, each mappable to the company's own) and VAT rates."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Account(models.Model):
    """A standard account. `code` is the rules' key and never changes; a company books under
    `company_code`/`company_name` when set (its own sub-account), otherwise under the standard."""

    code = models.CharField(_("standard code"), max_length=16, unique=True, editable=False)
    name = models.CharField(_("standard name"), max_length=64)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    company_code = models.CharField(
        _("company code"),
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Za-z.\-]+$", _("Use digits, letters, '.' or '-' only."))],
        help_text=_("Your own (sub-)account code, if it differs from the standard one."),
    )
    company_name = models.CharField(_("company name"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.booking_code} {self.booking_name}"

    @property
    def booking_code(self) -> str:
        return self.company_code or self.code

    @property
    def booking_name(self) -> str:
        return self.company_name or self.name


class VatRate(models.Model):
    rate = models.DecimalField(
        _("rate"),
        max_digits=5,
        decimal_places=4,
        unique=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.9999"))],
    )
    label = models.CharField(_("label"), max_length=32)
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["-rate"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="vatrate_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.label
