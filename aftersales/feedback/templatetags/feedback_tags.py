"""Template helpers of the feedback pages."""

from django import template

from aftersales.core import events

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    """A history action in the reader's language."""
    return events.label(action)
