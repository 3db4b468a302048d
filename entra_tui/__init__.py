"""entra-tui: acquire, inspect and copy Microsoft Entra ID app-registration tokens."""

__version__ = "0.1.0"
