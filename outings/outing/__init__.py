"""Outings: proposing, browsing, RSVPs with a waitlist, comments, calendars."""
