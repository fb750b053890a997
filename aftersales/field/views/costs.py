"""Cost pages (placeholder until the pages land)."""


def register_panels() -> None:
    """Register the request page's cost panel."""
