"""Template helpers for memo pages."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def content_item_link(item) -> str:
    """A link to the content item's page, or its plain title while that page does not exist."""
    if item is None:
        return "-"
    try:
        url = reverse("content:item", args=[item.pk])
    except NoReverseMatch:
        return format_html("{} (#{})", item.title, item.pk)
    return format_html('<a href="{}">{}</a>', url, item.title)
