"""event_server: premieres, live Q&A, calendar feeds and a gallery for online ML-art meetups."""

__version__ = "0.1.0"
