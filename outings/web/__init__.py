"""The HTTP side shared by every resource: templates, static files, errors, middleware."""
