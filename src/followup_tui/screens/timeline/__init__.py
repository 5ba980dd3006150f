"""The timeline's screens: the Gantt, the weekly review and the dialogs that re-plan an order."""
