"""``dangqun recount_participation [--month 2025-03 ...]``: recount the monthly participation
figures of activities per unit (after a bulk seed or changes made around the platform; the
platform recounts this month every 10 minutes and recent months every night)."""

from dangqun.activities import participation
from dangqun.core.tallies import RebuildCommand


class Command(RebuildCommand):
    help = "按报名签到与志愿服务时长重算各单位的活动参与月度统计（默认全部月份）。"
    what = "活动参与月度统计"

    def rebuild(self, months):
        return participation.recount(months)
