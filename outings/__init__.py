"""Outings: offline-first meetups for families with young children."""

__version__ = "0.1.0"
