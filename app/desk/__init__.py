"""The application layer below the window and the command line (see docs/architecture.md).

``Desk`` is imported on first use (``from app.desk import Desk``), not with the package: the
window imports ``app.desk.records`` to show a case before any store is open, and the desk
brings the services, the policy schema and SQLAlchemy with it (issue 18, point 1).
"""

from app.lazy_names import names_on_first_use

__all__ = ["Desk"]
__getattr__ = names_on_first_use(__name__, {"Desk": "app.desk.desk"})
