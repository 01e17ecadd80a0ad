"""The records documents may be filed on, as registered by their apps
(documents.registry.register_attachable)."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Attachable:
    word: str
    model: str
    view: str  # the record's "may see it" action: also who sees and files its documents

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


ATTACHABLES: dict[str, Attachable] = {}


def attachable_of(record: models.Model) -> Attachable | None:
    label = record._meta.label_lower
    return next((a for a in ATTACHABLES.values() if a.model.lower() == label), None)
