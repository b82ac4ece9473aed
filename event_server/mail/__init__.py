"""E-mail: letters written from templates in the recipient's language (letters.py), and handing one
message to an SMTP server, saying whether it certainly arrived, certainly did not, or may have (smtp.py)."""
