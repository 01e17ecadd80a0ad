from django import template

from core import permissions

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    """`{% if request.user|can:"tickets.create" %}`"""
    return permissions.can(user, action)


@register.filter
def has_role(user, role: str) -> bool:
    return permissions.has_role(user, role)
