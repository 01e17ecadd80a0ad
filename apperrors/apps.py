from django.apps import AppConfig


class ErrorsConfig(AppConfig):
    name = "apperrors"
    verbose_name = "Errors"
