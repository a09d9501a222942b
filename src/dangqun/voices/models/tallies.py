"""The monthly tallies behind 三率: counts and working-hour histograms per enterprise and group."""

from django.db import models


def hour_field(kind: str, index: int) -> str:
    """The column of a tally's histogram: ``response_03`` counts responses in bucket 3."""
    return f"{kind}_{index:02d}"


class VoiceTally(models.Model):
    """Counts of valid voices per month, enterprise and group, with histograms of the working
    hours taken: what 三率 read for a whole enterprise (kept by ``tally``; decisions/0011)."""

    # Upper edges (working hours) of the histogram buckets; a last bucket holds longer times.
    HOUR_EDGES = (0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56, 72, 88, 104)
    HOUR_EDGES += (120, 160, 240)

    month = models.DateField()  # its first day, in local time
    root = models.CharField(max_length=16)  # the path of the top-level organisation
    dimension = models.CharField(max_length=16)  # handling_org, unit, category, channel, kind
    key = models.CharField(max_length=32)  # the id or choice value; "" for none
    valid = models.IntegerField(default=0, db_default=0)
    responded = models.IntegerField(default=0, db_default=0)
    solved = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)
    basically = models.IntegerField(default=0, db_default=0)
    unsatisfied = models.IntegerField(default=0, db_default=0)
    late_response = models.IntegerField(
        default=0, db_default=0
    )  # responded after the response deadline

    for _kind in ("response", "resolution"):
        for _index in range(len(HOUR_EDGES) + 1):
            locals()[hour_field(_kind, _index)] = models.IntegerField(default=0, db_default=0)
    del _kind, _index

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "root", "dimension", "key"], name="voice_tally_unique"
            )
        ]
        indexes = [models.Index(fields=["root", "dimension", "month"], name="voice_tally_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.root} {self.dimension}={self.key}: {self.valid}"
