"""Every module that registers socket actions, imported once when the server is set up."""
from . import qa, room  # noqa: F401  (importing them registers their actions and join hooks)
