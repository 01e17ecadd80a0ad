from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.permissions import roles_of
from accounts.roles import Role

from .dashboard import dashboard_cards


@login_required
def home(request):
    labels = dict(Role.choices)
    roles = [labels[r] for r in sorted(roles_of(request.user)) if r in labels]
    return render(request, "ui/home.html", {"roles": roles, "cards": dashboard_cards(request.user)})
