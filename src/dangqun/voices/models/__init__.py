"""群众呼声: what employees raise (opinions, requests, complaints, questions, 职代会提案), who acts on
it, by when, what was answered and how the person rated it. Each change is a ``VoiceEvent``.

Deadlines are promises fixed when a voice is assigned (and moved only by an approved extension);
whether a voice is overdue is derived from them and the clock, never stored.

The models live in topic modules (``choices``, ``voice``, ``proposals``, ``tallies``); this
package is where Django and every caller import them from.
"""

from .choices import OPEN_STATUSES, Channel, Identity, Kind, Rating, Status, Urgency
from .imports import VoiceImportJob
from .proposals import Congress, Representative, Seconder
from .signatures import VoiceBand
from .tallies import VoiceTally, hour_field
from .topics import TopicWords
from .voice import Attachment, Category, Follow, Voice, VoiceEvent, attachment_path

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
    "Category",
    "Channel",
    "Congress",
    "Follow",
    "Identity",
    "Kind",
    "Rating",
    "Representative",
    "Seconder",
    "Status",
    "TopicWords",
    "Urgency",
    "Voice",
    "VoiceBand",
    "VoiceEvent",
    "VoiceImportJob",
    "VoiceTally",
    "attachment_path",
    "hour_field",
]
