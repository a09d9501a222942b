"""Seed a database with a generated enterprise: plan it (pure, deterministic), then write it."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import audit
from dangqun.orgs.models import Org, OrgEvent, Post, System, Term
from dangqun.people.models import PARTY_STATUSES, MemberEvent, PartyProfile, Person
from dangqun.seed.accounts import create_demo_accounts
from dangqun.seed.activities import seed_demo_activities
from dangqun.seed.activity_orders import seed_demo_order
from dangqun.seed.bulk_activities import seed_bulk_activities
from dangqun.seed.bulk_development import seed_bulk_development
from dangqun.seed.bulk_learning import seed_bulk_learning
from dangqun.seed.bulk_life import seed_bulk_life
from dangqun.seed.bulk_publicity import seed_bulk_publicity
from dangqun.seed.bulk_surveys import seed_bulk_surveys
from dangqun.seed.bulk_voices import seed_bulk_voices
from dangqun.seed.development import seed_demo_development
from dangqun.seed.exams import seed_demo_exams
from dangqun.seed.leadership import build_leadership
from dangqun.seed.learning_classes import seed_demo_classes
from dangqun.seed.learning_materials import seed_demo_materials
from dangqun.seed.ledger import seed_ledger
from dangqun.seed.life import seed_demo_life
from dangqun.seed.plan import SCALES, Plan
from dangqun.seed.population import build_population
from dangqun.seed.publicity import seed_demo_publicity
from dangqun.seed.structure import build_structure
from dangqun.seed.surveys import seed_demo_surveys
from dangqun.seed.tree import assign_paths, next_root_step, tree_problems
from dangqun.seed.voices import first_department, seed_demo_congress, seed_demo_voices
from dangqun.seed.writer import PlanWriter
from dangqun.voices import tally
from dangqun.voices.models import Voice


class SeedRefused(Exception):
    """The database already holds people; seeding would mix generated data into real data."""


def build_plan(scale: str, seed: int, today: datetime.date, first_root_step: int = 1) -> Plan:
    """The whole generated enterprise as data. Same (scale, seed, today) → same plan."""
    plan = Plan(scale=SCALES[scale], seed=seed, today=today)
    build_structure(plan, random.Random(f"{seed}:structure"))  # noqa: S311 - not security
    assign_paths(plan, first_root_step)
    build_population(plan, random.Random(f"{seed}:people"))  # noqa: S311
    build_leadership(plan, random.Random(f"{seed}:leaders"))  # noqa: S311
    return plan


@dataclass
class SeedResult:
    plan: Plan
    org_pk: dict[int, int]
    person_pk: dict[int, int]
    counts: dict[str, int]
    seconds: float
    notes: list[str] = field(default_factory=list)


def refuse_if_people_exist() -> None:
    existing = Person.objects.count()
    if existing:
        if connection.vendor == "sqlite":
            how = f"删除数据目录中的数据库文件 {settings.DATABASES['default']['NAME']}"
        else:
            how = f"删除并重建数据库 {connection.settings_dict['NAME']}"
        raise SeedRefused(
            f"数据库中已有 {existing} 名人员，为避免把生成的数据混入真实数据，已停止生成。"
            f"如需重新生成，请先{how}，再执行 dangqun migrate。"
        )


def row_counts() -> dict[str, int]:
    current = PartyProfile.objects.filter(left_on__isnull=True)
    return {
        "组织": Org.objects.count(),
        "党组织": Org.objects.filter(system=System.PARTY).count(),
        "党支部（含联合党支部）": Org.objects.filter(kind__in=["branch", "joint_branch"]).count(),
        "工会组织": Org.objects.filter(system=System.UNION).count(),
        "团组织": Org.objects.filter(system=System.LEAGUE).count(),
        "组织沿革": OrgEvent.objects.count(),
        "人员": Person.objects.count(),
        "在册党员": current.count(),
        "其中预备党员": current.filter(full_member_on__isnull=True).count(),
        "已转出党员": PartyProfile.objects.filter(left_on__isnull=False).count(),
        "党员事件": MemberEvent.objects.count(),
        "政治面貌为党员": Person.objects.filter(political_status__in=PARTY_STATUSES).count(),
        "工会会员": Person.objects.filter(union_org__isnull=False).count(),
        "团员": Person.objects.filter(league_org__isnull=False).count(),
        "任期": Term.objects.count(),
        "职务": Post.objects.count(),
        "群众呼声": Voice.objects.count(),
    }


def seed(
    scale: str,
    seed: int,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Generate and write the enterprise in one transaction; refuses when people already exist."""
    started = time.monotonic()
    today = today or timezone.localdate()
    progress = progress or (lambda message: None)
    with transaction.atomic():
        refuse_if_people_exist()
        plan = build_plan(scale, seed, today, first_root_step=next_root_step())
        progress(f"已生成数据方案（{time.monotonic() - started:.1f} 秒），开始写入数据库")
        writer = PlanWriter(plan, progress)
        writer.write()
        problems = tree_problems()
        if problems:
            raise RuntimeError(f"组织树路径有误：{problems}")
        notes = seed_demo_accounts_and_records(plan, writer, seed, today)
        seed_bulk_records(plan, writer, seed, today, progress)
        back = max(plan.scale.life_years, 1)
        seed_ledger(list(range(today.year - back, today.year + 1)), progress)
        counts = row_counts()
        audit.record(
            None,
            "seed.run",
            object_type="seed",
            object_repr=f"生成{SCALES[scale].label}数据（随机种子 {seed}，基准日 {today}）",
            after={"scale": scale, "seed": seed, "today": today, **counts},
        )
    if connection.vendor == "postgresql":
        # Fresh statistics: without them the planner guesses row counts for 300,000 new people.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return SeedResult(
        plan=plan,
        org_pk=writer.org_pk,
        person_pk=writer.person_pk,
        counts=counts,
        seconds=time.monotonic() - started,
        notes=notes,
    )


def seed_demo_accounts_and_records(plan, writer: PlanWriter, seed: int, today) -> list[str]:
    """The demo's accounts and, around them, the voices, 职代会, 组织生活 and 发展党员 records the
    demo walks through; returns the notes on the accounts (none outside the demo)."""
    if not plan.scale.demo_accounts:
        return []
    targets = {system: writer.org_pk[index] for system, index in plan.roots.items()}
    targets["branch"] = writer.org_pk[plan.demo["branch"]]
    people = {
        "secretary": writer.person_pk[plan.demo["secretary"]],
        "member": writer.person_pk[plan.demo["member"]],
    }
    root = Org.objects.get(pk=targets[System.ENTERPRISE])
    targets["department"] = first_department(root).pk
    notes = create_demo_accounts(targets, people)
    seed_demo_voices(
        random.Random(f"{seed}:voices"),  # noqa: S311
        root,
        User.objects.get(username="qungong"),
        User.objects.get(username="yuangong"),
    )
    seed_demo_congress(
        root, User.objects.get(username="qungong"), User.objects.get(username="yuangong")
    )
    tally.rebuild()  # demo voices went in with bulk_create, around Voice.save
    seed_demo_life(
        random.Random(f"{seed}:life"),  # noqa: S311
        Org.objects.get(pk=targets["branch"]),
        User.objects.get(username="shuji"),
        today,
    )
    seed_demo_development(
        Org.objects.get(pk=targets["branch"]),
        User.objects.get(username="shuji"),
        User.objects.get(username="dangwei"),
        today,
    )
    seed_demo_activities(
        Org.objects.get(pk=targets["branch"]), Org.objects.get(pk=targets[System.UNION]), today
    )
    seed_demo_order(root, User.objects.get(username="qungong"))
    seed_demo_materials(Org.objects.get(pk=targets["branch"]), today)
    seed_demo_classes(Org.objects.get(pk=targets["branch"]), today)
    seed_demo_exams(Org.objects.get(pk=targets["branch"]), today)
    seed_demo_surveys(root, Org.objects.get(pk=targets["branch"]), today, seed)
    seed_demo_publicity(Org.objects.get(pk=targets["branch"]), today)
    return notes


def seed_bulk_records(plan, writer: PlanWriter, seed: int, today, progress) -> None:
    """The scale's bulk voices, years of 组织生活, 发展党员 cases and activities, classes and exams, when it asks
    for them."""
    if plan.scale.voices:
        root = Org.objects.get(pk=writer.org_pk[plan.roots[System.ENTERPRISE]])
        seed_bulk_voices(root, plan.scale.voices, seed=seed, today=today, progress=progress)
    if plan.scale.life_years:
        party = Org.objects.get(pk=writer.org_pk[plan.roots[System.PARTY]])
        seed_bulk_life(
            party, seed=seed, years=plan.scale.life_years, today=today, progress=progress
        )
    if plan.scale.development_cases:
        party = Org.objects.get(pk=writer.org_pk[plan.roots[System.PARTY]])
        seed_bulk_development(
            party,
            cases=plan.scale.development_cases,
            seed=seed,
            today=today,
            progress=progress,
        )
    if plan.scale.activities:
        roots = [
            Org.objects.get(pk=writer.org_pk[plan.roots[system]])
            for system in (System.PARTY, System.UNION, System.LEAGUE)
            if system in plan.roots
        ]
        seed_bulk_activities(
            roots, plan.scale.activities, seed=seed, today=today, progress=progress
        )
    if plan.scale.exams or plan.scale.classes:
        party = Org.objects.get(pk=writer.org_pk[plan.roots[System.PARTY]])
        seed_bulk_learning(
            party,
            classes=plan.scale.classes,
            questions=plan.scale.questions,
            exams=plan.scale.exams,
            attempts=plan.scale.exam_attempts,
            seed=seed,
            today=today,
            progress=progress,
        )
    if plan.scale.survey_waves:
        root = Org.objects.get(pk=writer.org_pk[plan.roots[System.ENTERPRISE]])
        seed_bulk_surveys(
            root,
            waves=plan.scale.survey_waves,
            responses=plan.scale.survey_responses,
            seed=seed,
            today=today,
            progress=progress,
        )
    if plan.scale.publicity_items:
        party = Org.objects.get(pk=writer.org_pk[plan.roots[System.PARTY]])
        seed_bulk_publicity(
            party,
            items=plan.scale.publicity_items,
            receipts=plan.scale.publicity_receipts,
            seed=seed,
            today=today,
            progress=progress,
        )
