"""Neighbourhood circles: local groups run by a parent who lives there (issue 13)."""
