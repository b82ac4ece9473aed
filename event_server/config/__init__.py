"""How this server is set up: settings from the environment and flags, and where its files are."""
from .settings import Settings, SettingsError, SmtpUrl, parse_instant, parse_smtp_url, signing_from_env

__all__ = ["Settings", "SettingsError", "SmtpUrl", "parse_instant", "parse_smtp_url", "signing_from_env"]
