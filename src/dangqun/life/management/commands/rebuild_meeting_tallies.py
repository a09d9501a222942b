"""``dangqun rebuild_meeting_tallies [--month 2025-03 ...]``: recompute the monthly tallies of
组织生活 that the radar reads.

Needed only after meetings were changed around the platform (SQL by hand, a restored table); the
platform keeps the tallies current itself and checks them every night. Prints the months whose
tallies were wrong and have been corrected.
"""

from dangqun.core.tallies import RebuildCommand
from dangqun.life import tally


class Command(RebuildCommand):
    help = "按组织生活记录重算月度统计，更正与记录不符的月份（默认全部月份）。"
    what = "组织生活月度统计"

    def rebuild(self, months):
        return tally.rebuild(months)
