"""The words of each voice, segmented once, for hot topics (``voices.topic_words``)."""

from django.db import models


class TopicWords(models.Model):
    """A voice's title and opening segmented by jieba, kept so hot topics read words rather than
    segmenting thousands of texts per request: the words of two characters or more in order, a
    clause break as ``|``. The stop list is applied when reading, so changing it needs no
    rewrite; ``version`` says which segmentation wrote the row (decisions/0023)."""

    voice = models.OneToOneField(
        "voices.Voice", on_delete=models.CASCADE, primary_key=True, related_name="topic_words"
    )
    words = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"{self.voice_id}: {self.words[:40]}"
