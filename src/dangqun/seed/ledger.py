"""The 学时 ledger of the seeded years, derived from what the seed wrote (组织生活's meetings go
in by bulk writers, around the services that would sync the ledger), and every member's
standing in those years."""

from __future__ import annotations

import time
from collections.abc import Callable

from dangqun.learning import ledger


def seed_ledger(years: list[int], progress: Callable[[str], None]) -> int:
    started, written = time.monotonic(), 0
    for year in years:
        written += ledger.rebuild(year)
        progress(f"  学时 {year} 年：{written:,} 条（{time.monotonic() - started:.0f} 秒）")
    return written
