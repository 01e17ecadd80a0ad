"""What other apps may react to without tickets importing them."""

from django.dispatch import Signal

# Sent inside ticket_transition's transaction after a step is recorded, with `ticket`,
# `action` (the transition's name, e.g. "archive", "reopen") and `by`. A receiver that
# raises rolls the step back.
ticket_moved = Signal()
