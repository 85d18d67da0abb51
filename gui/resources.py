"""Find bundled resources both from a source checkout and from a PyInstaller bundle."""

from app.resources import resource, resource_dir

__all__ = ["resource", "resource_dir"]
