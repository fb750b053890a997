"""Pages of field service, one module per topic."""
