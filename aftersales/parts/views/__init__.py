"""Pages of the parts app, one module per topic."""
