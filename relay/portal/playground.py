"""Portal page: playground (to be built)."""

from aiohttp import web


def setup(portal: web.Application) -> None:
    """Add this page's routes."""
