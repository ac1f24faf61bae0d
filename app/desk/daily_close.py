"""日结/交班 at the desk: one day's close for a clerk or the whole window, on paper or in XLSX.

A clerk signed in closes their own day; another clerk's day or the whole window's needs a
supervisor's role, both checked on the live session. With nobody signed in (the command line)
any close may be made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.paths import write_whole

if TYPE_CHECKING:
    from app.daily_close import DailyClose
    from db import Store


class DailyCloseDesk:
    store: Store
    clerk: str
    _site_code: str | None

    def daily_close(self, day: date, clerk: str | None = None) -> DailyClose:
        """The close of ``day`` for ``clerk`` (None or "": the whole window)."""
        from app.daily_close import collect_daily_close
        from app.services import ServiceError, current_site

        clerk = (clerk or "").strip() or None
        user = getattr(self, "user", None)
        if user is not None:
            others = clerk != user.name
            if others and not self.may("supervisor"):
                raise ServiceError(
                    "clerk", "经办人只能打印本人的日结；整个窗口或他人的日结须由主管打印"
                )
            # On the live session: a window left open by a disabled or demoted account
            # prints nothing more.
            self.act_as(
                "supervisor" if others else "clerk",
                "打印整个窗口或他人的日结" if others else "打印日结",
            )
        titles = {key: loaded.definition.title for key, loaded in self.policies.items()}
        with self.store.read() as session:
            site = current_site(session, self._site_code)
            return collect_daily_close(session, site.code, day, clerk, titles=titles)

    def daily_close_pdf(self, day: date, clerk: str | None = None) -> bytes:
        from app.daily_close.pdf import daily_close_pdf

        return daily_close_pdf(self.daily_close(day, clerk))

    def daily_close_xlsx(self, day: date, clerk: str | None = None) -> bytes:
        from app.daily_close.xlsx import daily_close_xlsx

        return daily_close_xlsx(self.daily_close(day, clerk))

    def write_daily_close(self, day: date, clerk: str | None, out: Path) -> DailyClose:
        """Write the close to ``out`` (.pdf or .xlsx), whole or not at all."""
        from app.daily_close.pdf import daily_close_pdf
        from app.daily_close.xlsx import daily_close_xlsx
        from app.services import ServiceError

        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".xlsx"):
            raise ServiceError("out", "输出文件应以 .pdf 或 .xlsx 结尾")
        close = self.daily_close(day, clerk)
        data = daily_close_pdf(close) if suffix == ".pdf" else daily_close_xlsx(close)
        write_whole(out, data)
        return close
