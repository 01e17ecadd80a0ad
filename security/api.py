"""The API's sign-in and sign-out: POST /api/auth/token/ and POST /api/auth/logout/."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .tokens import token_expires_at, token_issue, token_revoke
from .views import locked_out

TokenOut = inline_serializer(
    "TokenOut",
    {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
)


class ObtainExpiringToken(ObtainAuthToken):
    """POST username and password → a token. Throttled per client address (scope auth-token);
    repeated wrong passwords lock the username out like the sign-in page (django-axes)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"

    @extend_schema(responses={200: TokenOut})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        # django-axes marks the request it was given (DRF's wrapper, which its middleware
        # never sees), so the lockout answer is given here.
        if getattr(request, "axes_locked_out", False):
            return locked_out(request._request)
        if not valid:
            raise ValidationError(serializer.errors)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


class RevokeToken(APIView):
    """POST → the caller's token is deleted (an API client's sign-out)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke(user_id=request.user.pk)
        return Response(status=204)
