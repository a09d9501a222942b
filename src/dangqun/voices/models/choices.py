"""The choices a voice is described by: kind, channel, identity, urgency, status, rating."""

from django.db import models


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "意见建议"
    REQUEST = "request", "诉求/求助"
    COMPLAINT = "complaint", "投诉/举报"
    QUESTION = "question", "咨询"
    PROPOSAL = "proposal", "职代会提案"


class Channel(models.TextChoices):
    WEB = "web", "网页"
    QR = "qr", "扫码"
    PHONE = "phone", "电话"
    VISIT = "visit", "来访"
    BOX = "box", "意见箱"
    FORUM = "forum", "座谈会"
    EMAIL = "email", "电子邮件"
    CONGRESS = "congress", "职代会"
    IMPORT = "import", "导入"
    API = "api", "接口"


class Identity(models.TextChoices):
    NAMED = "named", "实名"  # handlers see who
    CONFIDENTIAL = "confidential", "保密"  # only mass-work admins see who
    ANONYMOUS = "anonymous", "匿名"  # nothing identifying is stored


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "紧急"
    URGENT = "urgent", "较急"
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "复杂"


class Status(models.TextChoices):
    SECONDING = "seconding", "征集附议"  # a 职代会提案 waiting for enough representatives
    SUBMITTED = "submitted", "待受理"
    ASSIGNED = "assigned", "待响应"
    IN_PROGRESS = "in_progress", "办理中"
    ANSWERED = "answered", "待评价"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "不予受理"
    MERGED = "merged", "已合并"
    # Handled before the platform with no answer on file (an archive of "message + category"):
    # read by the category model, duplicates and hot topics, never by 三率, deadlines or inboxes.
    HISTORY = "history", "历史记录"


OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
