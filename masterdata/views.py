from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from accounts.permissions import can

from .selectors import shipment_label, shipments_of


@login_required
@require_GET
def customer_shipments(request):
    """A customer's shipments as JSON, for the forms that pick one (intake, installation,
    quality dispute): static/js/shipments.js loads them when a customer is chosen."""
    if not can(request.user, "masterdata.view"):
        raise PermissionDenied
    data = [
        {
            "id": s.pk,
            "label": shipment_label(s),
            "product": s.product_id,
            "lot": s.lot_number,
            "date": f"{s.ship_date:%Y-%m-%d}",
            "order": s.order_number,
        }
        for s in shipments_of(request.GET.get("customer", ""))
    ]
    return JsonResponse({"shipments": data})
