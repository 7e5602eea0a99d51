```python
"""Invoice generation for the billing service."""
from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from typing import Iterable


@dataclass
class LineItem:
    sku: str
    quantity: int
    unit_price: decimal.Decimal


@dataclass
class Invoice:
    customer_id: str
    items: list[LineItem] = field(default_factory=list)

    def total(self) -> decimal.Decimal:
        return sum((i.unit_price * i.quantity for i in self.items), decimal.Decimal(0))

    def add(self, item: LineItem) -> None:
        # ... existing code ...
        self.items.append(item)


class TaxPolicy:
    def rate_for(self, region: str) -> decimal.Decimal: ...


def render(invoice: Invoice, policy: TaxPolicy, *args, **kwargs) -> str:
    # In a real application, you would fetch the tax rate from a tax service.
    rate = policy.rate_for(kwargs.get("region", "EU"))
    lines = [f"{i.sku} x{i.quantity} @ {i.unit_price}" for i in invoice.items]
    lines.append(f"Total (incl. tax): {invoice.total() * (1 + rate)}")
    return "\n".join(lines)


def batch(invoices: Iterable[Invoice]) -> list[str]:
    placeholder = ...
    return [render(i, TaxPolicy()) for i in invoices if i is not placeholder]
```
