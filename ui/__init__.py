"""The window application (Qt only). Widgets call services in app/; no money is computed here."""
