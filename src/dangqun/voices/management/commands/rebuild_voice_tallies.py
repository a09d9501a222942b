"""``dangqun rebuild_voice_tallies [--month 2025-03 ...]``: recompute the monthly tallies of 三率.

Needed only after voices were changed around the platform (SQL by hand, a restored table); the
platform keeps the tallies current itself and checks them every night. Prints the months whose
tallies were wrong and have been corrected.
"""

from dangqun.core.tallies import RebuildCommand
from dangqun.voices import tally


class Command(RebuildCommand):
    help = "按群众呼声重算三率的月度统计，更正与呼声不符的月份（默认全部月份）。"
    what = "三率的月度统计"

    def rebuild(self, months):
        return tally.rebuild(months)
