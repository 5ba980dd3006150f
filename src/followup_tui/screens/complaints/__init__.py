"""The complaint desk's screens: triage, the case, the forms of each step, the analysis."""
