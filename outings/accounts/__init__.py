"""Passkey accounts: users, their passkeys, their sessions."""
