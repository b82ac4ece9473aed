"""The HTTP shell: app factory, pages, identity, security headers."""
