"""Human time: local timestamps, "in 54 min" / "3 min ago", and a mm:ss countdown."""

from __future__ import annotations

from datetime import datetime


def local_time(epoch: float) -> str:
    """Local wall-clock time with the zone's abbreviation, as people read it."""
    try:
        return datetime.fromtimestamp(epoch).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    except (OverflowError, OSError, ValueError):
        return "out of range"


def clock_time(epoch: float) -> str:
    """Local HH:MM:SS, with the date only when it is not today."""
    try:
        moment = datetime.fromtimestamp(epoch).astimezone()
    except (OverflowError, OSError, ValueError):
        return "out of range"
    if moment.date() == datetime.now().astimezone().date():
        return moment.strftime("%H:%M:%S %Z")
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z")


def relative(epoch: float, now: float) -> str:
    delta = epoch - now
    span = _span(abs(delta))
    if span == "now":
        return "now"
    return f"in {span}" if delta > 0 else f"{span} ago"


def countdown(seconds: float) -> str:
    """`59:32`, or `1:02:03` past an hour; negative input counts up since expiry."""
    total = int(abs(seconds))
    if total >= 2 * 86400:
        return f"{'-' if seconds < 0 else ''}{total // 86400} days"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return text if seconds >= 0 else f"-{text}"


def _span(seconds: float) -> str:
    if seconds < 1:
        return "now"
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400 * 2:
        hours, minutes = divmod(int(seconds // 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{int(seconds // 86400)} days"


def compact_span(seconds: float) -> str:
    """Short enough for a list column: `45s`, `59m`, `2h05`, `3d`."""
    total = int(max(0, seconds))
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m"
    if total < 86400:
        return f"{total // 3600}h{total % 3600 // 60:02d}"
    return f"{total // 86400}d"
