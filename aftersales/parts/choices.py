"""Choices of the parts app."""
