"""Parley field app."""
