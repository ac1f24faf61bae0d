"""Amounts in Chinese capital figures (人民币大写), as banks and receipts write them.

cn2an's ``rmb`` mode already follows the People's Bank rules: 整 after 元 when there are no
角/分 (壹仟贰佰元整), no 整 after 分, one 零 for a run of zeros (壹万零伍佰元整), 零元整 for 0.
"""

from decimal import Decimal

import cn2an

from app.money import FEN, ZERO


def capital_figures(amount: Decimal) -> str:
    """``Decimal('10500.00')`` -> 壹万零伍佰元整 (yuan, non-negative, at most two decimals)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise TypeError(f"金额应为 Decimal：{amount!r}")
    if amount < ZERO:
        raise ValueError(f"大写金额不能为负数：{amount}")
    if amount != amount.quantize(FEN):
        raise ValueError(f"金额最多两位小数：{amount}")
    return cn2an.an2cn(f"{amount.quantize(FEN):f}", "rmb")
