"""Where templates and static files are: inside the package when installed from a wheel, else the repo."""
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # event_server/


def resource(name: str) -> Path:
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


TEMPLATES = resource("templates")
STATIC = resource("static")
# The static folders served, and the ones the wheel carries (pyproject.toml).
PUBLISHED = ("css", "js", "vendor", "icons")
