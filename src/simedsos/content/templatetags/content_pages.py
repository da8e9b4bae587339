"""Template filters of the content pages."""

from django import template

register = template.Library()


@register.filter
def durasi(seconds) -> str:
    """Working seconds as people say them: "45 detik", "12 menit", "2 jam 5 menit"."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    if total < 60:
        return f"{total} detik"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        # Short standards (1 minute) need the seconds to tell 1:05 from 1:55.
        return f"{minutes} menit {secs} detik" if minutes < 10 and secs else f"{minutes} menit"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} jam {minutes} menit" if minutes else f"{hours} jam"
