"""An app lets documents be filed on its records in its AppConfig.ready():
`register_attachable("ticket", "tickets.Ticket", view="tickets.view")` — the URL word, the
model, and the action that lets a person see the record (and so its documents). The record's
page then shows the documents card (documents.panels)."""

from ui.panels import register_panel

from .attachables import ATTACHABLES, Attachable
from .panels import record_documents_panel, record_documents_reads


def register_attachable(word: str, model: str, *, view: str) -> None:
    ATTACHABLES[word] = Attachable(word, model, view)
    register_panel(model.lower(), record_documents_panel, reads=record_documents_reads)
