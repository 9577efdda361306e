"""One module per screen (or per family of screens)."""
