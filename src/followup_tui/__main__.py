"""`python -m followup_tui` runs the same entry point as the `followup` script."""

from followup_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
