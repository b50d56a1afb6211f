"""The sync protocol's server side: the change cursor, push and pull."""
