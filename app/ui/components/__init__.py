"""Shared widgets: data in, callbacks out. No screen imports another screen's parts."""
