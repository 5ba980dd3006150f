"""The rules of an order: its lifecycle and what makes it valid."""
