"""Files the event serves: recordings, and the gallery's pictures turned into thumbnails."""
