"""One error hierarchy (issue 13): the workflow's refusals are apperrors' kinds, so code that
catches Invalid / Forbidden / Conflict catches them too, and the API keeps their own codes."""

import pytest

from apperrors.exceptions import Conflict, Forbidden, Invalid
from tickets.errors import ConcurrentChange, MissingData, NotAllowed, WrongState


@pytest.mark.parametrize(
    ("error", "kind", "status", "code"),
    [
        (MissingData, Invalid, 400, "missing_data"),
        (NotAllowed, Forbidden, 403, "forbidden"),
        (WrongState, Conflict, 409, "wrong_state"),
        (ConcurrentChange, Conflict, 409, "concurrent_change"),
    ],
)
def test_ticket_errors_are_the_application_kinds(error, kind, status, code):
    with pytest.raises(kind) as raised:
        raise error()
    assert (raised.value.status, raised.value.code) == (status, code)
