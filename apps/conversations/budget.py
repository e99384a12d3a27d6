"""Per-user monthly spending on AI models: what is spent, and whether a new run fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.conversations.models import Run
from apps.pipeline.pricing import estimate_run_cost

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def month_start(now: datetime | None = None) -> datetime:
    """The start of the current calendar month in UTC: budgets reset then."""
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def run_estimate(*, model: str, target_word_count: int) -> Decimal:
    return Decimal(str(estimate_run_cost(model=model, target_word_count=target_word_count)))


def _free(estimate: Decimal) -> bool:
    return estimate <= 0


def run_is_free(*, model: str, target_word_count: int) -> bool:
    """A free model (offline, a local server) always fits: no lock, no spending read."""
    return _free(run_estimate(model=model, target_word_count=target_word_count))


@dataclass(frozen=True)
class BudgetStatus:
    budget: Decimal
    spent: Decimal  # recorded cost of this month's runs
    reserved: Decimal  # estimated cost of the user's runs still in flight

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.budget - self.spent - self.reserved)


def budget_status(*, user: User, now: datetime | None = None) -> BudgetStatus:
    runs = Run.objects.filter(conversation__user=user, created_at__gte=month_start(now))
    spent = runs.aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)
    reserved = sum(
        (
            run_estimate(model=model, target_word_count=words)
            for model, words in runs.filter(status__in=Run.ACTIVE).values_list(
                "model", "target_word_count"
            )
        ),
        Decimal(0),
    )
    return BudgetStatus(budget=user.budget_usd, spent=spent, reserved=reserved)


class BudgetExceeded(Exception):
    code = "budget_exceeded"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _usd(amount: Decimal) -> str:
    # Cents hide the difference between small amounts ("$0.05 left, $0.05 needed").
    if amount >= 1:
        return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP)}"
    text = f"{amount.quantize(MILLI, rounding=ROUND_HALF_UP):.3f}"
    return "$" + (text[:-1] if text.endswith("0") else text)


def ensure_within_budget(
    *,
    user: User,
    model: str,
    target_word_count: int,
    lock: Callable[[], object] | None = None,
) -> None:
    """Refuse a run whose estimated cost does not fit in what is left of this month's budget.
    A free model (offline, a local server) always fits. `lock` is called first when the run
    costs anything: what keeps two runs started at once from both spending the same money."""
    estimate = run_estimate(model=model, target_word_count=target_word_count)
    if _free(estimate):
        return
    if lock is not None:
        lock()
    status = budget_status(user=user)
    if estimate <= status.left:
        return
    raise BudgetExceeded(
        f"This run could cost up to about {_usd(estimate)} with {model}, and only "
        f"{_usd(status.left)} is left of your {_usd(status.budget)} monthly budget "
        f"({_usd(status.spent)} spent this month). Choose a shorter piece or the offline "
        "model, or ask an administrator to raise your budget."
    )
