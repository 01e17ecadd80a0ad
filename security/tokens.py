"""API tokens that expire, and are revoked when their user signs out or changes password.

DRF's own Token model is kept, so `POST /api/auth/token/` answers as before (`{"token": …}`,
now with `expires_at`) and the header stays `Authorization: Token <key>`. A token older than
API_TOKEN_TTL is refused and deleted; asking again issues a fresh one. Signing out of the
site (or `POST /api/auth/logout/`) and any password change delete the user's token, so a
leaked token dies with the session it came from.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + settings.API_TOKEN_TTL


def token_is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's current token, or a new one when there is none or it has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def token_revoke(*, user_id: int) -> int:
    return Token.objects.filter(user_id=user_id).delete()[0]


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The token has expired; request a new one."))
        return user, token


@receiver(user_logged_out, dispatch_uid="security.tokens.revoke_on_logout")
def _revoke_on_logout(sender, request=None, user=None, **kwargs):
    if user is not None:
        token_revoke(user_id=user.pk)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="security.tokens.revoke_on_password")
def _revoke_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        token_revoke(user_id=instance.pk)
