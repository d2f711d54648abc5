"""The library's people and clients serve the collection tests too."""

from tests.library.conftest import author, browser_of, moderator  # noqa: F401 (fixtures)
