"""Amounts, rates and dates as people read them: "12 500 FCFA", "87,5 %" and 05/12/2026 or
"5 décembre 2026" in French; "12,500 FCFA", "87.5%" and 05/12/2026 or "5 December 2026" in
English (formats/en: day first, as West African English readers write dates). Never an ISO date
in a sentence.

An amount is an integer in the smallest unit of its currency (core.money). The currencies of the
region (XOF, XAF, GNF, BIF…) have no minor unit in use, so no decimals are shown. A currency is
written with the symbol its users write, where it has one, else with its ISO 4217 code.
"""

import datetime

from django.utils import formats
from django.utils.translation import get_language

LOCAL_SYMBOLS = {
    "XOF": "FCFA",  # franc CFA of West Africa (UEMOA)
    "XAF": "FCFA",  # franc CFA of Central Africa (CEMAC)
    "GNF": "FG",
    "CDF": "FC",
    "BIF": "FBu",
    "RWF": "FRw",
    "KMF": "FC",
    "MGA": "Ar",
    "MRU": "UM",
    "GHS": "GH₵",
    "NGN": "₦",
}


def currency_symbol(currency: str) -> str:
    return LOCAL_SYMBOLS.get(currency, currency)


def format_amount(amount: int, currency: str = "") -> str:
    """An amount grouped by thousands in the active language, a non-breaking space before its
    currency's symbol (none when `currency` is empty)."""
    number = formats.number_format(int(amount), decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0{currency_symbol(currency)}".strip()


def format_rate(basis_points: int) -> str:
    """A rate in basis points (core.money) as a percentage with one decimal, written the way
    the active language writes it."""
    number = formats.number_format(basis_points / 100, decimal_pos=1, use_l10n=True)
    return f"{number}\u00a0%" if (get_language() or "").startswith("fr") else f"{number}%"


def format_date(day: datetime.date) -> str:
    """A date in the short format of the active language (05/12/2026)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def long_date(day: datetime.date) -> str:
    """A date in words ("5 décembre 2026", "5 December 2026")."""
    return formats.date_format(day, "DATE_FORMAT")
