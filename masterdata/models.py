"""Customers, suppliers, products, shipments and material batches: the data every app shares."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '-', '_' or '.' only, starting with a letter or digit."),
)


def _code_field() -> models.CharField:
    return models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[code_validator],
        error_messages={"unique": _("This code is already used.")},
    )


class Customer(models.Model):
    code = _code_field()
    name = models.CharField(_("name"), max_length=128)
    note = models.TextField(_("note"), blank=True)
    # Who looks after the customer: an e-mail from one of its contacts becomes a draft
    # complaint for this person to confirm (mailin/). Unset: the sales managers get it.
    salesperson = models.ForeignKey(
        "core.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("salesperson"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(app="core")

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("title"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    customer = models.ForeignKey(Customer, models.CASCADE, related_name="sites", verbose_name=_("customer"))
    name = models.CharField(_("site"), max_length=128)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    code = _code_field()
    name = models.CharField(_("name"), max_length=128)
    contact = models.CharField(_("contact"), max_length=128, blank=True)
    quality_deposit_balance = models.DecimalField(
        _("quality deposit balance"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords(app="core")

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Product(models.Model):
    code = _code_field()
    name = models.CharField(_("name"), max_length=128)
    specification = models.CharField(_("specification"), max_length=255, blank=True)
    unit = models.CharField(_("unit"), max_length=16, default="件")
    history = HistoricalRecords(app="core")

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Shipment(models.Model):
    customer = models.ForeignKey(
        Customer, models.PROTECT, related_name="shipments", verbose_name=_("customer")
    )
    product = models.ForeignKey(Product, models.PROTECT, related_name="shipments", verbose_name=_("product"))
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    lot_number = models.CharField(_("lot/batch number"), max_length=64)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    ship_date = models.DateField(_("ship date"))
    # The purchased material the shipped goods were made from: a complaint about the shipment
    # traces to the batch's own price and supplier (procedure §2.2, §2.5 recourse; docs/accounting.md).
    material_batch = models.ForeignKey(
        "MaterialBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("material batch"),
    )
    history = HistoricalRecords(app="core")

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-ship_date", "id"]
        # A customer's newest shipments first (promises.selectors.shipments_matching): an index
        # walk of twenty rows, not a sort of all of a big customer's shipments.
        indexes = [models.Index(fields=["customer", "-ship_date", "-id"], name="shipment_customer_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product", "lot_number"],
                name="shipment_unique_lot_per_customer_product",
                violation_error_message=_(
                    "This customer already has a shipment of this product with this lot number."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} · {self.product.name} · {self.lot_number}"


class MaterialBatch(models.Model):
    """A batch of purchased material. Returns are valued at this batch's own price
    (procedure §2.2, docs/accounting.md)."""

    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="batches", verbose_name=_("supplier"))
    material = models.CharField(_("material"), max_length=128)
    batch_number = models.CharField(_("batch number"), max_length=64)
    unit_price = models.DecimalField(
        _("contract unit price excl. VAT"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=16, default="吨")
    quantity_received = models.DecimalField(
        _("quantity received"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    received_date = models.DateField(_("received date"))
    history = HistoricalRecords(app="core")

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("material batch")
        verbose_name_plural = _("material batches")
        ordering = ["-received_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "batch_number"],
                name="batch_unique_number_per_supplier",
                violation_error_message=_("This supplier already has a batch with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch_number} {self.material} ({self.supplier.name})"
