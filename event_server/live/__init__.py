"""The socket.io shell: connection identity, the action dispatcher, and per-concept handlers."""
