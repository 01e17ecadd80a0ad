"""Master data over HTTP: the JSON the select boxes found by typing ask for."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from accounts.permissions import can
from security.params import int_param

from .selectors import (
    customers_matching,
    material_batches_matching,
    products_matching,
    shipment_label,
    shipments_matching,
    suppliers_matching,
)

# -- autocomplete: JSON for the select boxes found by typing (masterdata.widgets.AutocompleteSelect,
# static/js/autocomplete.js). Each answers at most selectors.AUTOCOMPLETE_LIMIT rows for ?q=
# (cut to AUTOCOMPLETE_MAX_Q characters); a NUL byte never gets here (security.middleware).


def autocomplete_response(rows, label=str, **extra) -> JsonResponse:
    """{"results": [{"value": id, "text": label, ...}]}: what Tom Select reads."""
    results = [{"value": r.pk, "text": label(r), **{k: f(r) for k, f in extra.items()}} for r in rows]
    return JsonResponse({"results": results})


def _autocomplete(request, action: str = "masterdata.view") -> str:
    if not can(request.user, action):
        raise PermissionDenied
    return request.GET.get("q", "")


@login_required
@require_GET
def autocomplete_customers(request):
    return autocomplete_response(customers_matching(_autocomplete(request)))


@login_required
@require_GET
def autocomplete_suppliers(request):
    return autocomplete_response(suppliers_matching(_autocomplete(request)))


@login_required
@require_GET
def autocomplete_products(request):
    return autocomplete_response(products_matching(_autocomplete(request)))


@login_required
@require_GET
def autocomplete_material_batches(request):
    return autocomplete_response(material_batches_matching(_autocomplete(request)))


@login_required
@require_GET
def autocomplete_shipments(request):
    """The chosen customer's shipments (?customer=id); choosing one fills product, lot,
    order and ship date on the intake form, hence the extra fields."""
    q = _autocomplete(request)
    rows = shipments_matching(int_param(request.GET, "customer"), q)
    return autocomplete_response(
        rows,
        shipment_label,
        product=lambda s: s.product_id,
        lot=lambda s: s.lot_number,
        date=lambda s: f"{s.ship_date:%Y-%m-%d}",
        order=lambda s: s.order_number,
    )
