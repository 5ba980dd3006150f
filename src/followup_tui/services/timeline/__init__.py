"""Timeline use cases: plans and re-planning, exceptions, shipments, review, customer notices."""
