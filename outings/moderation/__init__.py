"""Moderation: reports from anyone signed in, decisions by moderators, all logged."""
