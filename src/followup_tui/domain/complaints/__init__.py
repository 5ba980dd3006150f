"""The rules of a complaint: the SLA policy and its clocks."""
