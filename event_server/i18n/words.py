"""Texts that reach pages as data rather than as literals in a template or a call: a submission's
status, a work's kind, the sentences of the pure core (which imports no translation machinery).
Listing them here lets `pybabel extract` find them; the catalogue has their translations."""
from . import N_

STATUSES = N_("new"), N_("accepted"), N_("rejected"), N_("withdrawn"), N_("all")
KINDS = N_("image"), N_("video"), N_("audio"), N_("web"), N_("link")
ROLES = N_("artist"), N_("musician"), N_("data scientist"), N_("other")
# core/permissions.py: refusal()
REFUSALS = (N_("Open the event's page in your browser first, so it can recognise you."),
            N_("Only moderators and this talk's speakers can see all its questions. Sign in first, or open your "
               "speaker link."),
            N_("Only moderators can do this. Sign in with the moderator token at /login."),
            N_("Only curators can do this. Sign in with the curator token at /login."),
            N_("The stage is shown to the livestream only: open it with the stage link from the moderator's console."))
# core/gallery.py: what an upload really is, and why it is refused
FILE_TYPES = (N_("a PNG image"), N_("a JPEG image"), N_("a GIF image"), N_("a WebP image"), N_("an MP3 recording"),
              N_("an Ogg recording"), N_("a WAV recording"), N_("a FLAC recording"), N_("an M4A recording"),
              N_("an MP4 video"), N_("a WebM video"))
UPLOADS = (N_("This file is not an image, audio or video we accept (PNG, JPEG, GIF, WebP, MP3, Ogg, WAV, FLAC, "
              "M4A, MP4, WebM)."),
           N_("The file is named as {claimed} but its contents are {label}. Please check the file."),
           # media/thumbnails.py
           N_("This image could not be read: the file is damaged or not really an image."),
           N_("This image format is not accepted: use PNG, JPEG, GIF or WebP."))
# core/open_call.py and services/open_call.py: why a curator's step is refused
CURATION = (N_("Only a project idea can be introduced to data scientists."),
            N_("This idea was turned down or withdrawn: it cannot be introduced."),
            N_("Choose at least one data scientist to introduce."),
            N_("Only data scientists' profiles still in the call can be introduced."),
            N_("This idea has already been introduced to one of them."),
            N_("A pairing is accepted by hanging its finished work in the gallery."),
            N_("This pairing's work hangs in the gallery: take the work down first."),
            N_("The applicant withdrew this entry."),
            N_("A work is accepted by hanging it in the gallery."),
            N_("Only a letter that failed or may not have arrived can be sent again."))
# services/open_call.py: what the curation log says was done (the history on each entry's page)
LOG = (N_("introduced"), N_("moved the pairing"), N_("hung in the gallery"), N_("sent the finished work"),
       N_("withdrew"), N_("sent a letter again"))
