"""What collectstatic gathers. Redoc is not served (the API's docs are Swagger UI at /api/docs/),
so its 5 MB bundle and source map stay out of every build, where compressing them cost about
half of collectstatic's time."""

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class StaticFilesConfig(BaseStaticFilesConfig):
    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "redoc"]
