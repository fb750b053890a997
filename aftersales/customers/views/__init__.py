"""The staff pages of the customers context: companies, projects with handover, units."""
