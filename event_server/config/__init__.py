"""How this server is set up: settings from the environment and flags, and where its files are."""
from .settings import Settings, SettingsError, SmtpUrl, parse_instant, parse_smtp_url

__all__ = ["Settings", "SettingsError", "SmtpUrl", "parse_instant", "parse_smtp_url"]
