"""Order use cases: entry, editing, lifecycle moves, the queue's pages."""
