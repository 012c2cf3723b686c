"""What the books post for each event of an organisation's log (docs/accounting.md): pure
functions from an event's kind and payload to a `Posting`, whose sides name operations (the
mapping gives their accounts) and add up to zero. Nothing else is read.

- a member's payment: the cash, mobile money or bank it came into, against the registration fee
  and the contributions it paid (income when received), and against the third payer's
  receivable for a payer's payment;
- a third payer's share recognised: the receivable against the third payers' contributions;
- a claim decided (at once, or by the medical advisor), paid by the member's own mutual: the
  benefits against the provider's invoice payable. A claim another organisation pays
  (portability, a union's agreement) is posted when that organisation charges it back;
- a statement of another organisation's members' claims, at the payer: the charge-back
  receivable from each of their mutuals against the provider's invoice payable; at each
  members' mutual (`clearing.charged`): the benefits charged back against the payable to the
  payer;
- a provider payment: the provider's invoice payable against the money paid.

Money taken or paid in cash is in the cash box of the user who recorded it: the cash account's
line names them as its party, so each cashier has a cash book (accounting.cash).

A reversal (of a payment, a provider payment, a statement, a charge-back) is not posted from
its payload: the books reverse the entry of what it cancels, line by line, on the same accounts
(accounting.consumers), so that a mapping changed in between leaves no balance behind.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from mutualis.accounting.models import Journal, Operation

JOURNAL_OF_METHOD = {
    "cash": Journal.CASH,
    "mobile_money": Journal.MOBILE_MONEY,
    "bank_transfer": Journal.BANK,
    "savings": Journal.BANK,
}
CASH_OF_METHOD = {
    "cash": Operation.CASH,
    "mobile_money": Operation.MOBILE_MONEY,
    "bank_transfer": Operation.BANK_TRANSFER,
    "savings": Operation.SAVINGS,
}
PART_OPERATION = {
    "registration_fee": Operation.REGISTRATION_FEE,
    "contribution": Operation.MEMBER_CONTRIBUTION,
    "payer_share": Operation.THIRD_PAYER_RECEIVABLE,
}


class Side(NamedTuple):
    """An amount on an operation's account: a debit when positive, a credit when negative;
    `party` the uid of whom the balance concerns (provider, payer, organisation). A tuple: the
    books make millions."""

    operation: str
    amount: int
    party: str | None = None


class Posting(NamedTuple):
    """An entry to post; its sides, made by `sides`, add up to zero."""

    journal: str
    date: datetime.date
    label: str
    reference: str
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class Labels:
    """The entries' labels, in the installation's language (accounting.consumers)."""

    receipt: str  # "Receipt %(number)s"
    receivable: str  # "Third payer's share of the period from %(period)s"
    claim: str  # "Claim of %(day)s"
    statement: str  # "Statement %(number)s: charge-backs"
    charged_back: str  # "Charged back by statement %(number)s"
    provider_payment: str  # "Payment of statement %(number)s"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def sides(*found: Side) -> tuple[Side, ...]:
    """The non-zero sides, those on the same operation and party added together; refused unless
    they add up to zero."""
    summed: dict[tuple[str, str | None], int] = {}
    for operation, amount, party in found:
        key = (str(operation), party)
        summed[key] = summed.get(key, 0) + amount
    if sum(summed.values()) != 0:
        raise ValueError(f"unbalanced posting: {found}")
    return tuple([Side(op, amount, party) for (op, party), amount in summed.items() if amount])


def day_text(text: str) -> str:
    """A payload's day as the labels show it, 28/12/2025: ten times faster than strftime."""
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}"


def cash_side(method: str, amount: int, cashier: str | None) -> Side:
    """The money's side: on the cash account, in the cash box of the user who took or paid it
    (their cash book); on the bank's or the operator's otherwise."""
    return Side(CASH_OF_METHOD[method], amount, cashier if method == "cash" else None)


def payment(payload: Mapping[str, Any], labels: Labels, cashier: str | None = None) -> Posting:
    amount = payload["amount"]
    parts = [
        Side(PART_OPERATION[part["kind"]], -part["amount"], part["payer"])
        for part in payload["parts"]
    ]
    return Posting(
        JOURNAL_OF_METHOD[payload["method"]],
        day(payload["received_on"]),
        labels.receipt % {"number": payload["receipt_number"]},
        payload["receipt_number"],
        sides(cash_side(payload["method"], amount, cashier), *parts),
    )


def receivable(payload: Mapping[str, Any], labels: Labels) -> Posting:
    amount = payload["amount"]
    return Posting(
        Journal.OPERATIONS,
        day(payload["recognised_on"]),
        labels.receivable % {"period": day_text(payload["period_start"])},
        "",
        sides(
            Side(Operation.THIRD_PAYER_RECEIVABLE, amount, payload["payer"]),
            Side(Operation.THIRD_PAYER_CONTRIBUTION, -amount),
        ),
    )


def claim(payload: Mapping[str, Any], own: str, labels: Labels) -> Posting | None:
    """None when another organisation pays the claim, or when the mutual pays nothing of it."""
    if payload["payer"] not in (None, own) or not payload["mutual_share"]:
        return None
    share = payload["mutual_share"]
    return Posting(
        Journal.OPERATIONS,
        day(payload["decided_on"]),
        labels.claim % {"day": day_text(payload["service_from"])},
        "",
        sides(
            Side(Operation.CLAIMS, share),
            Side(Operation.PROVIDER_PAYABLE, -share, payload["provider"]),
        ),
    )


def statement(payload: Mapping[str, Any], own: str, labels: Labels) -> Posting | None:
    """The charge-backs of a statement at its payer; None when it lists only its own members."""
    others = [line for line in payload["claims"] if line["mutual"] != own]
    if not others:
        return None
    return Posting(
        Journal.OPERATIONS,
        day(payload["issued_on"]),
        labels.statement % {"number": payload["number"]},
        str(payload["number"]),
        sides(
            *(
                Side(Operation.CLEARING_RECEIVABLE, line["amount"], line["mutual"])
                for line in others
            ),
            Side(
                Operation.PROVIDER_PAYABLE,
                -sum(line["amount"] for line in others),
                payload["provider"],
            ),
        ),
    )


def charged(payload: Mapping[str, Any], labels: Labels) -> Posting:
    amount = payload["amount"]
    return Posting(
        Journal.OPERATIONS,
        day(payload["issued_on"]),
        labels.charged_back % {"number": payload["number"]},
        str(payload["number"]),
        sides(
            Side(Operation.CHARGED_BACK, amount),
            Side(Operation.CLEARING_PAYABLE, -amount, payload["payer"]),
        ),
    )


def provider_payment(
    payload: Mapping[str, Any], labels: Labels, cashier: str | None = None
) -> Posting:
    amount = payload["amount"]
    return Posting(
        JOURNAL_OF_METHOD[payload["method"]],
        day(payload["paid_on"]),
        labels.provider_payment % {"number": payload["statement_number"]},
        payload["reference"] or str(payload["statement_number"]),
        sides(
            Side(Operation.PROVIDER_PAYABLE, amount, payload["provider"]),
            cash_side(payload["method"], -amount, cashier),
        ),
    )
