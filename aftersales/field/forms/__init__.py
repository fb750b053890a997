"""Forms of the field pages, one module per topic."""
