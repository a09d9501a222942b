"""Running study materials (issue #17 §2): an organiser (``learning.manage`` on the material's
organisation) creates a draft, edits it, publishes it to its audience and may withdraw it; a
material is never deleted. Who sees what:

- ``kept_by(user)``: the materials an organiser lists — those of organisations in their scope,
  and the published or withdrawn ones of the organisations above them (a 党委's material reaching
  a branch: its secretary sees how far it reached in the branch and reads its members' notes).
- ``visible_to(user)``: those, the published materials whose audience holds the user, and the
  ones they studied (withdrawn since, or the audience changed).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LEARNING
from dangqun.accounts.scope import Scope
from dangqun.core import audit, filestore, uploads
from dangqun.core.uploads import video as videos
from dangqun.learning import material_notify, services
from dangqun.learning.material_models import (
    Material,
    MaterialFile,
    MaterialKind,
    MaterialStatus,
    Tag,
)
from dangqun.orgs.models import Org
from dangqun.people import audience

NOT_FOUND = "学习资料不存在或无权查看"
FOLDER = "learning"
FIELDS = ("org", "title", "kind", "description", "url", "due_on", "audience_who")
TAGS_MAX = 5


def kept_by(user) -> QuerySet:
    scope = Scope.of(user)
    if not scope.has(MANAGE_LEARNING):
        return Material.objects.none()
    paths = scope.covered_paths(MANAGE_LEARNING)
    step = Org.steplen
    above = {p[:i] for p in paths for i in range(step, len(p), step)}
    return Material.objects.filter(
        scope.within(MANAGE_LEARNING, "org")
        | (Q(org__path__in=above) & ~Q(status=MaterialStatus.DRAFT))
    )


def assigned_to(user) -> QuerySet:
    person = getattr(user, "person", None)
    published = Material.objects.filter(status=MaterialStatus.PUBLISHED)
    return audience.for_person(published, person)


def studied_by(user) -> QuerySet:
    """Materials the user's person opened or confirmed (a withdrawn one stays readable to them)."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Material.objects.none()
    return Material.objects.filter(studies__person_id=person_id).exclude(
        status=MaterialStatus.DRAFT
    )


def visible_to(user) -> QuerySet:
    return kept_by(user) | assigned_to(user) | studied_by(user)


def require_visible(user, pk) -> Material:
    material = visible_to(user).select_related("org").filter(pk=pk).distinct().first()
    if material is None:
        raise Http404(NOT_FOUND)
    return material


def can_manage(user, material: Material) -> bool:
    return services.can_manage(user, material.org)


def current_file(material: Material) -> MaterialFile | None:
    return material.files.order_by("-id").first()


def tag_names(text: str) -> list[str]:
    """Themes typed as 党章党规、二十大精神 (separated by 、，, or spaces)."""
    for sep in "、，,;；\n\t":
        text = text.replace(sep, " ")
    names = list(dict.fromkeys(n.strip()[:20] for n in text.split(" ") if n.strip()))
    if len(names) > TAGS_MAX:
        raise ValidationError({"tags": f"每份资料最多 {TAGS_MAX} 个主题"})
    return names


def _check(data: dict, material: Material | None, upload) -> None:
    kind = data.get("kind") or (material.kind if material else "")
    errors = {}
    if kind == MaterialKind.LINK and not (data.get("url") or "").startswith("https://"):
        errors["url"] = "链接类资料请填写以“https://”开头的网址"
    has_file = material is not None and material.kind == kind and material.files.exists()
    if kind in (MaterialKind.DOCUMENT, MaterialKind.VIDEO) and not upload and not has_file:
        errors["upload"] = "请上传文件" if kind == MaterialKind.DOCUMENT else "请上传视频"
    if errors:
        raise ValidationError(errors)


def _stored(kind: str, upload) -> filestore.StoredFile | None:
    """The upload checked by content and written (before the transaction; an orphan is swept)."""
    if not upload or kind == MaterialKind.LINK:
        return None
    checked = videos.check_video(upload) if kind == MaterialKind.VIDEO else uploads.check(upload)
    return filestore.store([checked], FOLDER, previews=True)[0]


def _save(material: Material, data: dict, stored) -> None:
    material.save()
    if "audience_orgs" in data:
        material.audience_orgs.set(data["audience_orgs"])
    if "tags" in data:
        tags = [Tag.objects.get_or_create(name=name)[0] for name in data["tags"]]
        material.tags.set(tags)
    if stored is not None:
        MaterialFile.objects.create(material=material, preview=stored.preview, **stored.fields)


def _snapshot(material: Material, data: dict | None = None) -> dict:
    shown = {f: str(getattr(material, f"{f}_id" if f == "org" else f) or "") for f in FIELDS}
    shown["status"] = material.status
    if data and "tags" in data:
        shown["tags"] = "、".join(data["tags"])
    return shown


def create(user, data: dict, upload=None) -> Material:
    services.require_manage(user, data["org"])
    _check(data, None, upload)
    stored = _stored(data["kind"], upload)
    with transaction.atomic():
        material = Material(created_by=user, **{f: data.get(f) for f in FIELDS})
        material.description = material.description or ""
        material.url = material.url or ""
        _save(material, data, stored)
        audit.record(user, "learning.material_create", material, after=_snapshot(material, data))
    return material


def update(user, material: Material, data: dict, upload=None) -> Material:
    services.require_manage(user, material.org)
    if "org" in data:
        services.require_manage(user, data["org"])
    if material.status == MaterialStatus.WITHDRAWN:
        raise ValidationError("资料已撤回，不能再修改")
    _check(data, material, upload)
    stored = _stored(data.get("kind", material.kind), upload)
    with transaction.atomic():
        material = _locked(material)
        before = _snapshot(material)
        for name in FIELDS:
            if name in data:
                setattr(material, name, data[name] if data[name] is not None else _blank(name))
        _save(material, data, stored)
        after = _snapshot(material, data)
        audit.record(user, "learning.material_update", material, before=before, after=after)
    return material


def _blank(name: str):
    return None if name in ("due_on", "org") else ""


def _locked(material: Material) -> Material:
    return (
        Material.objects.select_for_update(of=("self",)).select_related("org").get(pk=material.pk)
    )


def publish(user, material: Material) -> Material:
    services.require_manage(user, material.org)
    with transaction.atomic():
        material = _locked(material)
        if material.status != MaterialStatus.DRAFT:
            raise ValidationError("只有草稿可以发布")
        if material.due_on and material.due_on < timezone.localdate():
            raise ValidationError({"due_on": "完成期限已过，请先修改期限再发布"})
        material.status = MaterialStatus.PUBLISHED
        material.published_at = timezone.now()
        material.save(update_fields=["status", "published_at"])
        audit.record(user, "learning.material_publish", material, after={"status": material.status})
        material_notify.published(material)
    return material


def withdraw(user, material: Material) -> Material:
    """Taken out of the members' lists; kept with its studies and notes (and any 学时 earned)."""
    services.require_manage(user, material.org)
    with transaction.atomic():
        material = _locked(material)
        if material.status != MaterialStatus.PUBLISHED:
            raise ValidationError("只有已发布的资料可以撤回")
        material.status = MaterialStatus.WITHDRAWN
        material.withdrawn_at = timezone.now()
        material.save(update_fields=["status", "withdrawn_at"])
        audit.record(
            user, "learning.material_withdraw", material, after={"status": material.status}
        )
    return material


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored material files that no row names (left by a save that failed)."""
    known = set()
    for path, preview in MaterialFile.objects.values_list("file", "preview").iterator():
        known.update((path, preview))
    return filestore.sweep_orphans(FOLDER, known, older_than)
