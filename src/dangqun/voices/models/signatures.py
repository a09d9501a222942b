"""The near-duplicate index: a voice's MinHash band keys, one row per band (decision 0022)."""

from django.db import models


class VoiceBand(models.Model):
    """One LSH band of a voice's MinHash signature. Two voices sharing a ``key`` in the same band
    are candidates for 合并重复; ``voices.duplicates`` writes these rows and re-scores candidates
    with the cosine of their texts. Derived from title and content only: rebuilt at will by
    ``dangqun index_voice_duplicates``."""

    pk = models.CompositePrimaryKey("voice", "band")
    voice = models.ForeignKey("Voice", on_delete=models.CASCADE, related_name="+")
    band = models.SmallIntegerField()
    key = models.IntegerField()  # 32 bits of a hash of (band, its minima); collisions only add

    class Meta:
        indexes = [models.Index(fields=["key", "voice"], name="voice_band_key")]

    def __str__(self) -> str:
        return f"{self.voice_id}:{self.band}"
