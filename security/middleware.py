"""A NUL byte in a path, query or form value is refused with 400 before any view runs:
PostgreSQL cannot store one in text and would answer with a server error."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from .params import BadParameter
from .views import bad_request


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return True
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
    return False


class NulByteMiddleware:
    """400 for a NUL byte anywhere in the path, the query string or a submitted form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if has_nul(request):
            return bad_request(request, BadParameter(None, gettext_lazy("The request contains a NUL byte.")))
        return self.get_response(request)
