"""The 18-digit resident ID number (居民身份证号码): validation, birth date and sex.

The check digit and the region/birth-date parts are checked by python-stdnum (``stdnum.cn.ric``),
imported at the first number checked: the window after sign-in checks none until a clerk types
one, and stdnum (with the pydoc it imports) is 1.4 MB (issue 18, point 5).
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

SEX_NAMES = {"M": "男", "F": "女"}
_SEX_CODES = {"M": "M", "F": "F", "男": "M", "女": "F", "male": "M", "female": "F"}


class IdentityError(ValueError):
    """A bad ID number or a typed detail that disagrees with it; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def sex_name(self) -> str:
        return SEX_NAMES[self.sex]


def parse_resident_id(text: str) -> ResidentId:
    """Validate an ID number as typed (spaces and full-width digits allowed, ``x`` for ``X``:
    ``compact_id``); raise ``IdentityError``. ``number`` is always ASCII."""
    if text is None or not str(text).strip():
        raise IdentityError("不能为空")
    number = compact_id(text)
    if not number.isascii():
        raise IdentityError(_foreign_character(str(text)))
    from stdnum import exceptions as stdnum_errors
    from stdnum.cn import ric

    try:
        ric.validate(number)
    except (stdnum_errors.InvalidComponent, KeyError):
        _check_birth_date_and_region(number)
    except stdnum_errors.InvalidLength:
        raise IdentityError(f"应为18位，实际为{len(number)}位") from None
    except stdnum_errors.InvalidFormat:
        raise IdentityError("前17位必须是数字，最后一位是数字或X") from None
    except stdnum_errors.InvalidChecksum:
        raise IdentityError("校验位不正确，请核对号码是否输错") from None
    except (stdnum_errors.ValidationError, ValueError):
        raise IdentityError("号码无效") from None
    birth_date = ric.get_birth_date(number)
    if birth_date > date.today():
        raise IdentityError("出生日期晚于今天")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number, birth_date, sex)


def compact_id(text: object) -> str:
    """An ID number as typed, as it is stored: full-width digits and X (a Chinese input
    method's) made ASCII, spaces of any width left out, ``x`` as ``X``. Not validated."""
    text = str(text or "")
    # Full-width ０-９ pass isdigit() and int(): stdnum accepted them, and the same person
    # was stored again under a number that no look-up of the ASCII one finds.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).upper()


def _foreign_character(text: str) -> str:
    """Which typed character is none of ASCII, a full-width form of it or a space."""
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.normalize("NFKC", char).isascii():
            continue
        code = f"U+{ord(char):04X}"
        shown = f"“{char}”（{code}）" if char.isprintable() else f"（{code}，不可见字符）"
        return f"第{index + 1}个字符{shown}不是数字或X，请删去后重新输入"
    return "只能包含数字和X"


def _check_birth_date_and_region(number: str) -> None:
    # stdnum also refuses a region code created after the birth year, but people born before
    # their county got its code (most elderly beneficiaries) carry that code: accept any
    # code the region table has ever known.
    from stdnum import exceptions as stdnum_errors
    from stdnum import numdb
    from stdnum.cn import ric

    try:
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise IdentityError("出生日期部分无效") from None
    known = dict(numdb.get("cn/loc").info(number[:6]))
    if number[2:6] not in known:
        raise IdentityError("地区代码（前6位）无效") from None


def parse_sex(text: str) -> str:
    """ "男"/"女" (or M/F) to "M"/"F"; raise ``IdentityError``."""
    code = _SEX_CODES.get(str(text).strip()) if text is not None else None
    if code is None:
        raise IdentityError("应为“男”或“女”")
    return code


def sex_mismatch(resident_id: ResidentId, sex: str) -> str | None:
    """A Chinese reason when the typed sex disagrees with the ID number, else None."""
    if parse_sex(sex) != resident_id.sex:
        return f"与身份证号不符：号码显示为{resident_id.sex_name}"
    return None


def birth_date_mismatch(resident_id: ResidentId, birth_date: date) -> str | None:
    if birth_date != resident_id.birth_date:
        return f"与身份证号不符：号码显示为{resident_id.birth_date.isoformat()}"
    return None


def make_resident_id(region: str, birth_date: date, sequence: int, sex: str) -> str:
    """A well-formed number for demo and test data (sequence 0-499; sex "M"/"F")."""
    order = sequence * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth_date:%Y%m%d}{order:03d}"
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def typing_problem(text: str) -> str | None:
    """What is wrong with an ID number still being typed (fewer than 18 characters): only a
    character that can never be right; ``parse_resident_id`` judges the whole number."""
    compact = compact_id(text)
    if compact and not all("0" <= char <= "9" for char in compact[:17]):
        return "前17位必须是数字，最后一位是数字或X"
    return None
