"""Domain errors of the workflow: the application's error type (apperrors.exceptions.AppError) with the
ticket as it is now, so a client that was refused can show the ticket's new state."""

from django.utils.translation import gettext_lazy as _

from apperrors.exceptions import AppError


class TicketError(AppError):
    status = 400
    code = "invalid"
    default = _("The action was refused.")

    def __init__(self, message=None, *, errors: dict | None = None, ticket=None, **context):
        self.ticket = ticket
        if ticket is not None:
            context.update(state=ticket.state, version=ticket.version)
        super().__init__(message, errors=errors, **context)


class WrongState(TicketError):
    status = 409
    code = "wrong_state"
    default = _("This action is not possible in the ticket's current state.")


class ConcurrentChange(TicketError):
    status = 409
    code = "concurrent_change"
    default = _("The ticket has been updated by someone else.")


class NotAllowed(TicketError):
    status = 403
    code = "forbidden"
    default = _("Your role may not do this.")


class MissingData(TicketError):
    status = 400
    code = "missing_data"
    default = _("Some required information is missing.")
