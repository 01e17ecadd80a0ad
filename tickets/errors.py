"""Domain errors of the workflow: the application's error kinds (apperrors.exceptions: Invalid,
Forbidden, Conflict) with the ticket as it is now, so a client that was refused can show the
ticket's new state. Each is one of those kinds (`except Conflict` catches WrongState too); the
codes the API answers with stay the workflow's own (docs/api.md#errors)."""

from django.utils.translation import gettext_lazy as _

from apperrors.exceptions import AppError, Conflict, Forbidden, Invalid


class TicketError(AppError):
    """A refused workflow step. Never raised itself: the kinds below are each also one of
    apperrors' Invalid / Forbidden / Conflict, whose status (and default text) they take."""

    def __init__(self, message=None, *, errors: dict | None = None, ticket=None, **context):
        self.ticket = ticket
        if ticket is not None:
            context.update(state=ticket.state, version=ticket.version)
        super().__init__(message, errors=errors, **context)


class WrongState(TicketError, Conflict):
    code = "wrong_state"
    default = _("This action is not possible in the ticket's current state.")


class ConcurrentChange(TicketError, Conflict):
    code = "concurrent_change"
    default = _("The ticket has been updated by someone else.")


class NotAllowed(TicketError, Forbidden):
    pass  # Forbidden's 403 "forbidden", "Your role may not do this."


class MissingData(TicketError, Invalid):
    code = "missing_data"
    default = _("Some required information is missing.")
