"""One tree for every organisation system: enterprise, party, union, youth league, women's committee."""

import datetime

from django.db import models
from django.utils import timezone
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class System(models.TextChoices):
    ENTERPRISE = "enterprise", "行政组织"
    PARTY = "party", "党组织"
    UNION = "union", "工会组织"
    LEAGUE = "league", "共青团组织"
    WOMEN = "women", "妇女组织"


class Kind(models.TextChoices):
    GROUP = "group", "集团"
    COMPANY = "company", "公司"
    DEPARTMENT = "department", "部门"
    PARTY_COMMITTEE = "party_committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    PARTY_GROUP = "party_group", "党小组"
    UNION_COMMITTEE = "union_committee", "工会"
    UNION_BRANCH = "union_branch", "分工会"
    UNION_GROUP = "union_group", "工会小组"
    LEAGUE_COMMITTEE = "league_committee", "团委"
    LEAGUE_GENERAL_BRANCH = "league_general_branch", "团总支"
    LEAGUE_BRANCH = "league_branch", "团支部"
    WOMEN_COMMITTEE = "women_committee", "妇委会"
    WOMEN_GROUP = "women_group", "妇女小组"


KINDS_BY_SYSTEM = {
    System.ENTERPRISE: [Kind.GROUP, Kind.COMPANY, Kind.DEPARTMENT],
    System.PARTY: [
        Kind.PARTY_COMMITTEE,
        Kind.GENERAL_BRANCH,
        Kind.BRANCH,
        Kind.JOINT_BRANCH,
        Kind.PARTY_GROUP,
    ],
    System.UNION: [Kind.UNION_COMMITTEE, Kind.UNION_BRANCH, Kind.UNION_GROUP],
    System.LEAGUE: [Kind.LEAGUE_COMMITTEE, Kind.LEAGUE_GENERAL_BRANCH, Kind.LEAGUE_BRANCH],
    System.WOMEN: [Kind.WOMEN_COMMITTEE, Kind.WOMEN_GROUP],
}
SYSTEM_OF_KIND = {kind: system for system, kinds in KINDS_BY_SYSTEM.items() for kind in kinds}
BRANCH_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH)
PARTY_BRANCH_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.GENERAL_BRANCH, Kind.PARTY_COMMITTEE)


class UnitSituation(models.TextChoices):
    SAME_AS_PARENT = "same", "与上级相同"
    LEGAL_ENTITY = "legal", "法人单位"
    JOINT = "joint", "联合党支部"


class OrgQuerySet(MP_NodeQuerySet):
    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def in_subtree(self, org: "Org"):
        return self.filter(path__startswith=org.path)


class OrgManager(MP_NodeManager.from_queryset(OrgQuerySet)):
    def get_queryset(self):
        return OrgQuerySet(self.model, using=self._db).order_by("path")


class Org(MP_Node):
    """An organisation node. Dissolved nodes stay, with their history; nothing is hard-deleted."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    system = models.CharField("体系", max_length=16, choices=System.choices, db_index=True)
    kind = models.CharField("类别", max_length=32, choices=Kind.choices, db_index=True)
    unit = models.ForeignKey(
        "self",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_orgs",
        limit_choices_to={"system": System.ENTERPRISE},
    )
    covered_units = models.ManyToManyField(
        "self",
        verbose_name="联合支部覆盖单位",
        blank=True,
        symmetrical=False,
        related_name="joint_orgs",
    )
    unit_situation = models.CharField(
        "所在单位情况", max_length=8, choices=UnitSituation.choices, blank=True
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    # Given by the organisation above: this 党委 approves admissions and 转正 of the branches
    # under it (the nearest such ancestor of a branch is its approving 党委).
    approves_members = models.BooleanField("有审批发展党员的权限", default=False)

    node_order_by = None
    objects = OrgManager()

    class Meta:
        verbose_name = "组织"
        ordering = ["path"]
        indexes = [models.Index(fields=["system", "kind"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]

    def company(self) -> "Org":
        """The unit this one's people count for in figures by company (survey answers, voices
        beside the satisfaction index): the deepest 公司 at or above it, else its top unit —
        coarse enough for figures within k. One query (none for a company itself)."""
        if self.kind == Kind.COMPANY:
            return self
        line = [
            *Org.objects.filter(path__in=self.ancestor_paths()).only("pk", "path", "kind", "name"),
            self,
        ]
        found = company_map((o.pk, o.path, o.kind) for o in line)[self.pk]
        return next(o for o in line if o.pk == found)


# The same as ``Org.company`` in SQL, for one unit id (a parameter, twice): whatever of the unit
# the caller has loaded, one query.
COMPANY_OF_UNIT_SQL = """SELECT COALESCE(
    (SELECT c.id FROM orgs_org c, orgs_org u
     WHERE u.id = %s AND c.kind = 'company' AND substr(u.path, 1, length(c.path)) = c.path
     ORDER BY length(c.path) DESC LIMIT 1),
    (SELECT r.id FROM orgs_org r, orgs_org u
     WHERE u.id = %s AND r.path = substr(u.path, 1, {step})))"""


def company_map(rows) -> dict[int, int]:
    """The company each of many organisations counts for (the deepest 公司 at or above it, else
    its top unit): ``rows`` are (id, path, kind) holding every ancestor of each (a whole tree,
    or one unit's line for ``Org.company``); returns {id: company id}. For writers that bypass
    ``save`` and for filling a new column: one read of the tree, no query per row.
    ``COMPANY_OF_UNIT_SQL`` is the same rule in SQL, for ``Voice.save``'s one query."""
    rows = list(rows)
    companies = {path: pk for pk, path, kind in rows if kind == Kind.COMPANY}
    tops = {path: pk for pk, path, _ in rows if len(path) == Org.steplen}
    found = {}
    for pk, path, _ in rows:
        company = next(
            (
                companies[path[:end]]
                for end in range(len(path), 0, -Org.steplen)
                if path[:end] in companies
            ),
            None,
        )
        found[pk] = company if company is not None else tops.get(path[: Org.steplen], pk)
    return found


def company_id_of(unit_id: int) -> int | None:
    """``Org.company``'s id for a unit id, in one query."""
    from django.db import connection

    sql = COMPANY_OF_UNIT_SQL.format(step=Org.steplen)
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, unit_id])
        row = cursor.fetchone()
    return row[0] if row else None


class OrgEvent(models.Model):
    """History of an organisation: founded, renamed, moved, dissolved, restored."""

    class Type(models.TextChoices):
        FOUNDED = "founded", "成立"
        RENAMED = "renamed", "更名"
        MOVED = "moved", "调整隶属关系"
        CHANGED = "changed", "信息变更"
        DISSOLVED = "dissolved", "撤销"
        RESTORED = "restored", "恢复"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="events")
    type = models.CharField("事件", max_length=16, choices=Type.choices)
    on = models.DateField("日期", default=datetime.date.today)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    actor_name = models.CharField("操作人", max_length=150, blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "组织沿革"

    def __str__(self):
        return f"{self.org} {self.get_type_display()} {self.on}"


class Term(models.Model):
    """A term (届) of an organisation's leadership: elected on a date, lasting some years."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    elected_on = models.DateField("选举日期")
    years = models.PositiveSmallIntegerField("任期（年）")
    has_committee = models.BooleanField(
        "设委员会", default=True, help_text="不足 7 名正式党员的支部可只设书记"
    )
    closed_on = models.DateField("换届日期", null=True, blank=True)

    class Meta:
        ordering = ["org", "-number"]
        verbose_name = "任期"
        constraints = [models.UniqueConstraint(fields=["org", "number"], name="unique_term_number")]

    def __str__(self):
        return f"{self.org} 第{self.number}届"

    @property
    def ends_on(self) -> datetime.date:
        try:
            return self.elected_on.replace(year=self.elected_on.year + self.years)
        except ValueError:  # 29 February
            return self.elected_on.replace(year=self.elected_on.year + self.years, day=28)


class PostTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    YOUTH = "youth", "青年委员"
    WOMEN = "women", "妇女委员"
    MEMBER = "member", "委员"
    GROUP_LEADER = "group_leader", "党小组长"
    CHAIR = "chair", "主席"
    VICE_CHAIR = "vice_chair", "副主席"
    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"


# Posts that make a person a 党组织书记 or 委员 of a party organisation (a 党小组长 is not a
# committee member): the 56-学时 requirement and the "书记和委员" audience.
LEADER_TITLES = (
    PostTitle.SECRETARY,
    PostTitle.DEPUTY_SECRETARY,
    PostTitle.ORGANISATION,
    PostTitle.PUBLICITY,
    PostTitle.DISCIPLINE,
    PostTitle.YOUTH,
    PostTitle.WOMEN,
    PostTitle.MEMBER,
)


class Post(models.Model):
    """A person holding a leadership post in an organisation, within a term."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="posts")
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("职务", max_length=32, choices=PostTitle.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        ordering = ["org", "ended_on", "title"]
        verbose_name = "职务"
        indexes = [models.Index(fields=["org", "ended_on"])]

    def __str__(self):
        return f"{self.org} {self.get_title_display()} {self.person}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()
