"""Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so staff whose computer
runs in English would get an English UI they never asked for. Here the language comes only
from the user's own choice (the header switch, kept in a cookie) and otherwise from
LANGUAGE_CODE (zh-hans).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
