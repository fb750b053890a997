"""End-to-end browser tests: Playwright drives Chromium against Django's live server."""
