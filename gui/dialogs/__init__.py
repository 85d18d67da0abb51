"""Dialogs: each a small class, presentation only."""
