"""Errors the engine raises for conditions a user can act on (messages are user-facing)."""

from __future__ import annotations


class LibraryError(Exception):
    """Base class: the message says what happened and what to do."""


class IndexNotFound(LibraryError):
    """There is no index for this corpus yet (run ``reader index``)."""


class IndexLocked(LibraryError):
    """Another live process is updating this index."""


class IndexUnwritable(LibraryError):
    """The index directory cannot be written (read-only filesystem, permissions, disk full)."""
