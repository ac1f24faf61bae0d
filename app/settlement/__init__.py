"""The calculator and its contract: claim in, result out (pure; no Qt, no database)."""

from app.settlement.calculator import check_year_to_date, layer_codes, settle
from app.settlement.claim import (
    Claim,
    ClaimError,
    PoolToDate,
    YearToDate,
    parse_request,
    parse_year_to_date,
)
from app.settlement.contract import read_claim_json, settle_json
from app.settlement.result import Layer, Result, Step

__all__ = [
    "Claim",
    "ClaimError",
    "Layer",
    "PoolToDate",
    "Result",
    "Step",
    "YearToDate",
    "check_year_to_date",
    "layer_codes",
    "parse_request",
    "parse_year_to_date",
    "read_claim_json",
    "settle",
    "settle_json",
]
