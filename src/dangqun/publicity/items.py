"""Writing and publishing items (issue #18 §1): a publisher creates a draft in the name of an
organisation in their scope, edits it (text sanitised, images checked as images, attachments
checked by content), adds quiz questions while it is a draft, publishes it now or at a time,
pins or unpins it, and withdraws it with a reason. Nothing is deleted: a withdrawn item stays in
history, shown as withdrawn, with its receipts."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.core import audit, filestore, uploads
from dangqun.publicity import content, notify, services
from dangqun.publicity.models import (
    REASON_MAX,
    Item,
    ItemFile,
    ItemStatus,
    Question,
)

FOLDER = "publicity"
FIELDS = (
    *("org", "kind", "title", "body", "theme", "required", "quiz_required", "pass_percent"),
    *("pinned", "publish_at", "expires_at", "audience_who"),
)
NOT_IMAGE = "“{name}”不是图片，请上传照片、截图等常见格式的图片"
MAX_IMAGES = 9
MAX_ATTACHMENTS = 5


def _checked(images, attachments) -> list[uploads.Checked]:
    """Every upload checked by content before anything is written; images must be images."""
    images, attachments = list(images or []), list(attachments or [])
    if len(images) > MAX_IMAGES:
        raise ValidationError({"images": f"每篇最多 {MAX_IMAGES} 张图片"})
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"每篇最多 {MAX_ATTACHMENTS} 个附件"})
    checked = []
    for upload in images:
        try:
            one = uploads.check(upload)
        except ValidationError:
            raise ValidationError(
                {"images": NOT_IMAGE.format(name=uploads.display_name(upload.name or ""))}
            ) from None
        if not one.content_type.startswith("image/"):
            raise ValidationError(
                {"images": NOT_IMAGE.format(name=uploads.display_name(upload.name or ""))}
            )
        checked.append(one)
    for upload in attachments:
        try:
            checked.append(uploads.check(upload))
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from None
    return checked


def _check(data: dict) -> None:
    errors = {}
    publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
    if publish_at and expires_at and expires_at <= publish_at:
        errors["expires_at"] = "下架时间应晚于发布时间"
    if data.get("quiz_required") and not data.get("required"):
        errors["quiz_required"] = "只有必读内容可以要求先通过测验"
    if errors:
        raise ValidationError(errors)


def _snapshot(item: Item) -> dict:
    shown = {}
    for name in FIELDS:
        value = getattr(item, f"{name}_id" if name in ("org", "theme") else name)
        shown[name] = "" if value is None else str(value)
    shown["body"] = content.plain(item.body, 200)
    shown["status"] = item.status
    return shown


def _save(item: Item, data: dict, stored: list[filestore.StoredFile]) -> None:
    item.save()
    if "audience_orgs" in data:
        item.audience_orgs.set(data["audience_orgs"] or [])
    for one in stored:
        ItemFile.objects.create(item=item, preview=one.preview, **one.fields)


def create(user, data: dict, images=(), attachments=()) -> Item:
    services.require_manage_org(user, data["org"])
    _check(data)
    checked = _checked(images, attachments)
    stored = filestore.store(checked, FOLDER, previews=True) if checked else []
    with transaction.atomic():
        item = Item(created_by=user, **{f: data.get(f) for f in FIELDS if f in data})
        item.body = content.clean(data.get("body", ""))
        _save(item, data, stored)
        audit.record(user, "publicity.item_create", item, after=_snapshot(item))
    return item


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)


def update(user, item: Item, data: dict, images=(), attachments=()) -> Item:
    services.require_manage_org(user, item.org)
    if "org" in data:
        services.require_manage_org(user, data["org"])
    if item.status == ItemStatus.WITHDRAWN:
        raise ValidationError("内容已撤回，不能再修改")
    _check({**{f: getattr(item, f) for f in ("required", "quiz_required")}, **data})
    checked = _checked(images, attachments)
    stored = filestore.store(checked, FOLDER, previews=True) if checked else []
    with transaction.atomic():
        item = _locked(item)
        before = _snapshot(item)
        published = item.status == ItemStatus.PUBLISHED
        audience_before = _audience_of(item) if published else None
        for name in FIELDS:
            if name in data:
                setattr(item, name, data[name])
        if "body" in data:
            item.body = content.clean(data["body"])
        if item.status == ItemStatus.PUBLISHED and item.publish_at is None:
            item.publish_at = timezone.now()
        _save(item, data, stored)
        if published and _audience_of(item) != audience_before:
            # counted live until the task has recounted the new audience
            Item.objects.filter(pk=item.pk).update(reach_counted_at=None)
            item.reach_counted_at = None
            count_reach_after_commit(item)
        audit.record(user, "publicity.item_update", item, before=before, after=_snapshot(item))
    return item


def _audience_of(item: Item) -> tuple:
    """What an item's audience depends on: who, the organiser, the chosen sub-trees."""
    chosen = sorted(item.audience_orgs.values_list("pk", flat=True))
    return (item.audience_who, item.org_id, tuple(chosen))


def publish(user, item: Item) -> Item:
    """Published now, or at its ``publish_at`` if that is later (待发布 until then). A 必读
    item's audience hears of it in the bell once it is out (``notify.announce``)."""
    services.require_manage_org(user, item.org)
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.DRAFT:
            raise ValidationError("只有草稿可以发布")
        now = timezone.now()
        if item.expires_at and item.expires_at <= now:
            raise ValidationError({"expires_at": "下架时间已过，请先修改再发布"})
        if item.quiz_required and not item.questions.exists():
            raise ValidationError("要求先通过测验，但还没有测验题，请先添加题目")
        item.status = ItemStatus.PUBLISHED
        item.publish_at = max(item.publish_at or now, now)
        item.save(update_fields=["status", "publish_at"])
        audit.record(
            user,
            "publicity.item_publish",
            item,
            after={"status": item.status, "publish_at": item.publish_at.isoformat()},
        )
        if item.publish_at <= now:
            notify.announce_after_commit(item)
        count_reach_after_commit(item)
    return item


def count_reach_after_commit(item: Item) -> None:
    """The item's reach tallies written from its audience once the change has committed, in a
    Huey task: a group-wide audience is not counted in the publisher's request."""
    from dangqun.publicity.tasks import count_reach  # tasks imports this module

    transaction.on_commit(lambda: count_reach(item.pk))


def pin(user, item: Item, pinned: bool) -> Item:
    services.require_manage_org(user, item.org)
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.WITHDRAWN:
            raise ValidationError("内容已撤回")
        if item.pinned != pinned:
            item.pinned = pinned
            item.save(update_fields=["pinned"])
            audit.record(user, "publicity.item_pin", item, after={"pinned": pinned})
    return item


def withdraw(user, item: Item, reason: str) -> Item:
    """Out of everyone's lists; kept with its receipts; readers who open it see why."""
    services.require_manage_org(user, item.org)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤回原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"撤回原因最多 {REASON_MAX} 字"})
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.PUBLISHED:
            raise ValidationError("只有已发布的内容可以撤回")
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_at = timezone.now()
        item.withdraw_reason = reason
        item.pinned = False
        item.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "pinned"])
        audit.record(
            user, "publicity.item_withdraw", item, after={"status": item.status, "reason": reason}
        )
    return item


# Quiz questions (while a draft) -------------------------------------------------------------
def add_question(user, item: Item, data: dict) -> Question:
    services.require_manage_org(user, item.org)
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.DRAFT:
            raise ValidationError("发布后不能再修改测验题")
        if item.questions.count() >= 10:
            raise ValidationError("每篇最多 10 道测验题")
        position = item.questions.count() + 1
        question = Question.objects.create(item=item, position=position, **data)
        audit.record(user, "publicity.question_add", item, after={"stem": question.stem})
    return question


def remove_question(user, item: Item, question_id: int) -> None:
    services.require_manage_org(user, item.org)
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.DRAFT:
            raise ValidationError("发布后不能再修改测验题")
        question = item.questions.filter(pk=question_id).first()
        if question is None:
            raise ValidationError("没有这道题")
        audit.record(user, "publicity.question_remove", item, before={"stem": question.stem})
        question.delete()


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    known = set()
    for path, preview in ItemFile.objects.values_list("file", "preview").iterator():
        known.update((path, preview))
    return filestore.sweep_orphans(FOLDER, known, older_than)
