"""What the register tells the apps that read it, without importing them (their arrows point
to membership, never back)."""

from django.dispatch import Signal

# Sent inside the transaction of every change of households or of their members (enrolment,
# a member added, changed or leaving, resignation, an import), with `household_ids`.
households_changed = Signal()
