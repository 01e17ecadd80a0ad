"""Files the server builds for someone in the background (journal exports, report PDFs):
the two pieces every such job shares, so accounting and insight need not import each other.

`enqueue` hands the job to the worker and never fails the request: with the broker down it
logs and answers False, the job row stays waiting and the caller tells the user (a sweep
or a later retry sends it once the broker is back). `file_response` streams a stored file
through Django (local disk or S3 alike, through the storage API) as an attachment, after
the caller's own permission check: the storage itself is never exposed.
"""

import logging

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

log = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """`task.delay(*args)`; False (and a warning) when the broker refused it. The publish
    gives up quickly (CELERY_TASK_PUBLISH_RETRY_POLICY), so the request is not held."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's action
        log.warning("broker unavailable; %s%r waits", task.name, args)
        return False
    return True


def file_response(file: FieldFile, *, filename: str, content_type: str | None = None) -> FileResponse:
    """The stored file as an attachment under `filename`, streamed in blocks (any size, flat
    memory), never rendered inline nor cached. Callers check who may have it first."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
