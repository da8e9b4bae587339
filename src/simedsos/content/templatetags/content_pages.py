"""Template filters of the content pages."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def durasi(seconds) -> str:
    """Working seconds as people say them: "45 detik", "12 menit", "2 jam 5 menit"."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    if total < 60:
        return _("%(total)s detik") % {"total": total}
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        # Short standards (1 minute) need the seconds to tell 1:05 from 1:55.
        return (
            _("%(minutes)s menit %(secs)s detik") % {"minutes": minutes, "secs": secs}
            if minutes < 10 and secs
            else _("%(minutes)s menit") % {"minutes": minutes}
        )
    hours, minutes = divmod(minutes, 60)
    return (
        _("%(hours)s jam %(minutes)s menit") % {"hours": hours, "minutes": minutes}
        if minutes
        else _("%(hours)s jam") % {"hours": hours}
    )
