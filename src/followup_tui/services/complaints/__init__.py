"""Complaint use cases: intake, a case's steps, its clocks, the triage queue, the analysis."""
