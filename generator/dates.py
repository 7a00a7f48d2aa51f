"""Calendar dates as the programme reads them: deadlines fall in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Beijing time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), SHANGHAI) if epoch and epoch.isdigit() else dt.datetime.now(SHANGHAI)
    return now.date()
