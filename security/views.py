from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from apperrors.api import error_body

from .params import BadParameter

CHINESE = {"ensure_ascii": False}  # the message readable in the raw body too


def bad_request(request: HttpRequest, exception=None):
    """handler400: our own BadParameter says what was wrong; anything else stays generic.
    API clients get JSON in the API's one error shape."""
    if isinstance(exception, BadParameter):
        message = str(exception)
    else:
        message = _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", message), status=400, json_dumps_params=CHINESE)
    body = loader.get_template("400.html").render({"message": message}, request)
    return HttpResponseBadRequest(body)


def locked_out(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username+address: 429 with the reason in Chinese
    (JSON for the API's token endpoint, the sign-in page's look otherwise)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many wrong passwords: sign-in for this user is locked for %(minutes)d minutes. "
        "An administrator can unlock it sooner."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("locked_out", message), status=429, json_dumps_params=CHINESE)
    body = loader.get_template("registration/locked_out.html").render({"message": message}, request)
    return HttpResponse(body, status=429)


def axes_username(request: HttpRequest, credentials=None) -> str:
    """The username django-axes records: cut to the longest a username can be, so a
    10,000-character guess is counted like any other instead of overflowing its column."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value)[:150]
