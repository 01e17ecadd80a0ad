from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Customer, MaterialBatch, Product, Shipment, Site, Supplier


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "salesperson", "created_at")
    search_fields = ("code", "name")
    list_filter = ("salesperson",)
    autocomplete_fields = ("salesperson",)
    inlines = [ContactInline, SiteInline]


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "quality_deposit_balance")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "specification", "unit")
    search_fields = ("code", "name", "specification")


@admin.register(Shipment)
class ShipmentAdmin(SimpleHistoryAdmin):
    list_display = ("customer", "product", "lot_number", "quantity", "ship_date")
    list_filter = ("ship_date",)
    search_fields = ("lot_number", "order_number", "customer__name", "product__name")
    autocomplete_fields = ("customer", "product")


@admin.register(MaterialBatch)
class MaterialBatchAdmin(SimpleHistoryAdmin):
    list_display = (
        "batch_number",
        "material",
        "supplier",
        "unit_price",
        "quantity_received",
        "received_date",
    )
    search_fields = ("batch_number", "material", "supplier__name")
    autocomplete_fields = ("supplier",)
