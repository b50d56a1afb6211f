"""What handlers are given by name: the database and the settings."""

from __future__ import annotations

from litestar.di import NamedDependency

from outings.db import Database
from outings.settings import Settings

DB = NamedDependency[Database]
Conf = NamedDependency[Settings]
