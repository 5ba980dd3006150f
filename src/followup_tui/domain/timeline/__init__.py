"""The rules of a plan: templates, scheduling and ripple, exceptions and the contingency library."""
