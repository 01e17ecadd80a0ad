"""Sent when a document is filed on a record, inside the transaction, so the record's app can
note it (e.g. on a complaint's timeline) without documents importing that app."""

from django.dispatch import Signal

# kwargs: record, attachment, by
document_attached = Signal()
