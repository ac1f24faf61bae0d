"""The application layer below the window and the command line (see docs/architecture.md).

``Desk`` is imported on first use (``from app.desk import Desk``), not with the package: the
window imports ``app.desk.records`` to show a case before any store is open, and the desk
brings the services, the policy schema and SQLAlchemy with it (issue 18, point 1).
"""

__all__ = ["Desk"]


def __getattr__(name: str):
    if name == "Desk":
        from app.desk.desk import Desk

        return Desk
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
