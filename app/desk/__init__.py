"""The application layer below the window and the command line (see docs/architecture.md)."""

from app.desk.desk import Desk

__all__ = ["Desk"]
