"""The site: which hospital this window belongs to, its slip prefix, level and default policy."""

import re
from datetime import datetime

from sqlalchemy.orm import Session

from app.services import audit
from app.services.access import SUPERVISOR, Actor, check_role
from app.services.errors import ServiceError, checked_text
from app.services.lengths import check_text
from app.vocabulary import FACILITIES, FACILITY_NAMES
from db import Store
from db.models import Setting, Site

CURRENT_SITE_KEY = "site_code"
# Slip numbers are printed as Code 128 barcodes: keep the prefix plain ASCII.
_SITE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


def check_site(code: str, name: str, facility: str) -> tuple[str, str]:
    """The site's code (upper case) and name, trimmed; ServiceError naming the field if bad."""
    code = (code or "").strip().upper()
    if not _SITE_CODE.match(code):
        raise ServiceError("site_code", "应为2到10位大写字母或数字，以字母开头，如 TEZ01")
    if not checked_text(name, "site", required=False):
        raise ServiceError("site", "医院名称不能为空")
    check_text("site", name, Site.name)
    if facility not in FACILITIES:
        raise ServiceError("facility", f"应为：{'、'.join(FACILITY_NAMES.values())}")
    return code, name.strip()


def save_site(
    store: Store,
    *,
    code: str,
    name: str,
    facility: str,
    default_policy: str,
    clerk: Actor,
    make_current: bool = True,
) -> Site:
    """Create or update a site; a new database's first site becomes the current one."""
    code, name = check_site(code, name, facility)
    with store.write() as session:
        who = check_role(session, clerk, SUPERVISOR, doing="修改站点设置", field="clerk")
        return put_site(
            session,
            code=code,
            name=name,
            facility=facility,
            default_policy=default_policy,
            clerk=who,
            make_current=make_current,
        )


def put_site(
    session: Session,
    *,
    code: str,
    name: str,
    facility: str,
    default_policy: str,
    clerk: str,
    make_current: bool = True,
) -> Site:
    """Write a checked site (``check_site``) in the caller's transaction, audited; the caller
    has checked the role."""
    site = session.get(Site, code)
    values = {"name": name, "facility": facility, "default_policy": default_policy}
    if site is None:
        site = Site(code=code, created_at=datetime.now(), **values)
        session.add(site)
        audit.record(
            session, clerk=clerk, action="create", entity="site", entity_id=code, changes=values
        )
    else:
        changes = {k: [getattr(site, k), v] for k, v in values.items() if getattr(site, k) != v}
        for key, value in values.items():
            setattr(site, key, value)
        if changes:
            audit.record(
                session,
                clerk=clerk,
                action="change",
                entity="site",
                entity_id=code,
                changes=changes,
            )
    current = session.get(Setting, CURRENT_SITE_KEY)
    if current is None:
        session.add(Setting(key=CURRENT_SITE_KEY, value=code))
    elif make_current and current.value != code:
        audit.record(
            session,
            clerk=clerk,
            action="change",
            entity="setting",
            entity_id=CURRENT_SITE_KEY,
            changes={CURRENT_SITE_KEY: [current.value, code]},
        )
        current.value = code
    return site


def current_site(session: Session, code: str | None = None) -> Site:
    """The site named by ``code``, else the one set as current; ServiceError if none."""
    if code is None:
        setting = session.get(Setting, CURRENT_SITE_KEY)
        code = setting.value if setting else None
    site = session.get(Site, code) if code else None
    if site is None:
        raise ServiceError("site", "尚未设置本院信息（站点代码、名称、级别、默认政策）")
    return site
