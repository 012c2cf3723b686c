"""Exact money: integers in the smallest unit of the currency (design-rules.md rule 2).

A share is rounded once; the remainder goes to the other side, so that the parts always add up
to the whole.
"""

from collections.abc import Mapping, Sequence

BASIS_POINTS = 10_000  # 100 % = 10,000 basis points: rates are exact integers too


def share(amount: int, basis_points: int) -> int:
    """`basis_points`/10,000 of `amount`, rounded half up (toward the larger magnitude)."""
    if not 0 <= basis_points <= BASIS_POINTS:
        raise ValueError(f"a share is between 0 and {BASIS_POINTS} basis points")
    quotient, remainder = divmod(abs(amount) * basis_points, BASIS_POINTS)
    rounded = quotient + (1 if remainder * 2 >= BASIS_POINTS else 0)
    return rounded if amount >= 0 else -rounded


def split_by_shares(amount: int, shares: Mapping[str, int], rest: str) -> dict[str, int]:
    """Splits `amount` between parties holding `shares` (basis points each, at most 100 % in
    all); whatever the other parties' parts leave goes to `rest` (its own share too, if it holds
    one). The parties' total is their total share rounded once, half up; each of them gets its
    exact share rounded down or up (up for the largest fractions, ties in the order given), so
    that the parts add up to `amount` and none is negative when `amount` is not. A single party
    gets exactly `share(amount, points)`."""
    if sum(shares.values()) > BASIS_POINTS:
        raise ValueError("the shares add up to more than 100 %")
    holders = {party: points for party, points in shares.items() if party != rest}
    if any(not 0 <= points <= BASIS_POINTS for points in holders.values()):
        raise ValueError(f"a share is between 0 and {BASIS_POINTS} basis points")
    magnitude = abs(amount)
    parts: dict[str, int] = {}
    fractions: dict[str, int] = {}
    for party, points in holders.items():
        parts[party], fractions[party] = divmod(magnitude * points, BASIS_POINTS)
    left = share(magnitude, sum(holders.values())) - sum(parts.values())
    for party in sorted(holders, key=lambda party: -fractions[party])[:left]:
        parts[party] += 1
    sign = 1 if amount >= 0 else -1
    split = {party: sign * part for party, part in parts.items()}
    split[rest] = amount - sum(split.values())
    return split


def allocate_in_order(amount: int, dues: Sequence[int]) -> list[int]:
    """Pays `dues` one after the other with `amount` (oldest first): each gets what is left, up
    to what it is owed. Returns what each due receives; what exceeds them all is not allocated."""
    if amount < 0 or any(due < 0 for due in dues):
        raise ValueError("amounts and dues are never negative")
    paid = []
    for due in dues:
        part = min(amount, due)
        paid.append(part)
        amount -= part
    return paid


def ratio(part: int, whole: int) -> int | None:
    """`part` of `whole` in basis points, rounded half up; None when `whole` is 0: a ratio
    without a denominator is not computable, never 0."""
    if whole == 0:
        return None
    return (2 * part * BASIS_POINTS + whole) // (2 * whole)
