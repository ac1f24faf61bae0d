"""一站式即时结算窗口: domain and services (no Qt here)."""

__version__ = "0.1.0"
