"""日结/交班: one day's work at the window, for one clerk or the whole window, read from the
store into plain records so the cashier's office can reconcile the window's advances with the
hospital information system.

What counts: the day's settlements by settlement time (a voided one is listed, never counted);
the day's voids and reprints (a print of a slip printed before); the advances by policy and by
fund (``app.bundle.cases``, the claim report's own sums); the slip numbers issued that day as
runs of consecutive numbers, and every number missing from the site's sequence between the last
number issued before the day and the day's last. Printed (``pdf``) and exported (``xlsx``).
"""

from app.daily_close.collect import DailyClose, collect_daily_close

__all__ = ["DailyClose", "collect_daily_close"]
