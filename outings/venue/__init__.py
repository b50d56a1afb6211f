"""Child-friendly venues."""
