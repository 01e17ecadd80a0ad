"""What collectstatic gathers. Redoc is not served (the API's docs are Swagger UI at /api/docs/),
so its 5 MB bundle and source map stay out of every build, where compressing them cost about
half of collectstatic's time. A finder, not the staticfiles app's ignore_patterns: the app must
stay "django.contrib.staticfiles" for the tools that look for it by name (the test live server)."""

from django.contrib.staticfiles import finders

NOT_COLLECTED = ["redoc"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *NOT_COLLECTED])
