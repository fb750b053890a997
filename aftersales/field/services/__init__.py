"""Use cases of field service, one module per topic."""
