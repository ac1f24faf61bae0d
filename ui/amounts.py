"""How amounts are shown: the strings the domain returned, grouped for reading, never computed."""


def grouped(amount: str | None) -> str:
    """ "52000.00" -> "52,000.00" (string grouping only; the value is the domain's string)."""
    if amount is None:
        return "—"
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ",".join(groups)
    return f"{sign}{text}.{fraction}" if fraction else f"{sign}{text}"


def yuan(amount: str | None) -> str:
    return "—" if amount is None else f"{grouped(amount)} 元"
