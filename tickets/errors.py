"""Domain errors of the workflow. Each says why in Chinese and carries its HTTP status."""

from django.utils.translation import gettext_lazy as _


class TicketError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message=None, *, errors: dict | None = None, ticket=None):
        self.message = str(message or self.default)
        self.errors = errors or {}
        self.ticket = ticket  # the ticket as it is now (for "see its new state")
        super().__init__(self.message)

    default = _("The action was refused.")


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
