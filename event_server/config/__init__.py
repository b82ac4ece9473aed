"""How this server is set up: settings from the environment and flags, and where its files are."""
from .settings import Settings, SettingsError, parse_instant

__all__ = ["Settings", "SettingsError", "parse_instant"]
