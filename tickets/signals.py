"""What other apps may react to without tickets importing them."""

from django.dispatch import Signal

# Sent by the workflow table's effects (tickets/effects.py, docs/workflow.md "Effects") inside
# the step's transaction, with `ticket` and `by`; a receiver that raises rolls the step back.
# The disposition form's corrective actions were accepted (the archive): capa schedules its
# effectiveness check.
actions_accepted = Signal()
# The ticket is reopened, its actions to be redone: capa cancels the scheduled check.
actions_reopened = Signal()
