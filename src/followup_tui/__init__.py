"""followup-tui: a keyboard-driven terminal desk for order follow-up clerks.

The package imports nothing heavy at the top level so that `followup --help` and the
first frame of the desk stay fast (decisions.md, "Hard-won rules": start-up is a budget).
"""

__version__ = "0.1.0"
