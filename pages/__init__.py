"""Dash pages, one file per page named for what the user sees; they lay out components and wire callbacks."""
