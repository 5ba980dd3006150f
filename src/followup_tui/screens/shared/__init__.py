"""What every area's screens share: service calls from a worker, prompts, the first run,
and how a form shows its problems."""
