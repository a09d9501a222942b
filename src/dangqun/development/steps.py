"""The five stages and twenty-five steps of 发展党员 (domain-rules §3, 《中国共产党发展党员工作细则》),
as data: each step's number, stage, name, who records it (the branch or the approving 党委), the
steps it follows, and the rule its page cites.

Steps are taken in order, except where the 细则 lets several run side by side (备案 and choosing
the 培养联系人; 介绍人, 政审 and 集中培训; 编入党小组 and 入党宣誓)."""

from __future__ import annotations

from dataclasses import dataclass

BRANCH, COMMITTEE = "branch", "committee"  # who records a step

STAGES = {
    1: "入党申请",
    2: "入党积极分子的确定和培养教育",
    3: "发展对象的确定和考察",
    4: "预备党员的接收",
    5: "预备党员的教育考察和转正",
}


@dataclass(frozen=True)
class Step:
    number: int
    stage: int
    name: str
    by: str  # BRANCH or COMMITTEE
    after: frozenset[int]  # steps that must be done first
    rule: str = ""  # the rule cited on the step's form

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    @property
    def mark(self) -> str:
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕"[self.number - 1]


def _step(number, stage, name, by=BRANCH, after=None, rule=""):
    follows = frozenset(after if after is not None else ({number - 1} if number > 1 else set()))
    return Step(number, stage, name, by, follows, rule)


STEPS: dict[int, Step] = {
    s.number: s
    for s in (
        _step(1, 1, "递交入党申请书", rule="development.min_age"),
        _step(2, 1, "党组织派人谈话", rule="development.talk"),
        _step(3, 2, "推荐和确定入党积极分子"),
        _step(4, 2, "上级党委备案", COMMITTEE, after={3}),
        _step(5, 2, "指定培养联系人", after={3}, rule="development.contacts"),
        _step(6, 2, "培养教育考察", after={4, 5}, rule="development.assessment"),
        _step(7, 3, "确定发展对象", rule="development.activist_period"),
        _step(8, 3, "报上级党委备案", COMMITTEE),
        _step(9, 3, "确定入党介绍人", after={8}, rule="development.introducers"),
        _step(10, 3, "政治审查", after={8}, rule="development.political_review"),
        _step(11, 3, "集中培训", after={8}, rule="development.training"),
        _step(12, 4, "支部委员会审查", after={9, 10, 11}),
        _step(13, 4, "上级党委预审", COMMITTEE, rule="development.leaving"),
        _step(14, 4, "填写入党志愿书"),
        _step(15, 4, "支部大会讨论", rule="development.branch_vote"),
        _step(16, 4, "上级党委派人谈话", COMMITTEE),
        _step(17, 4, "上级党委审批", COMMITTEE, rule="development.approval"),
        _step(18, 4, "再上一级党委组织部门备案", COMMITTEE),
        _step(19, 5, "编入党支部和党小组", after={17}),
        _step(20, 5, "入党宣誓", after={17}),
        _step(21, 5, "继续教育考察", after={19, 20}, rule="development.assessment"),
        _step(22, 5, "提出转正申请", after={21}, rule="development.probation"),
        _step(23, 5, "支部大会讨论", rule="development.branch_vote"),
        _step(24, 5, "上级党委审批", COMMITTEE, rule="development.approval"),
        _step(25, 5, "材料归档"),
    )
}
VOTES = (15, 23)  # 支部大会 votes: admission, 转正
APPROVALS = (17, 24)  # the approving 党委 decides
ASSESSED = (6, 21)  # half-yearly assessments while the step is open
ADMITTED, CONFIRMED = 17, 24  # after these the person is 预备党员, then 正式党员


def stage_of(step_done: int) -> int:
    """The stage a case is in: that of its last step done (an 积极分子 stays one, however long
    the 培养教育考察 of step ⑥, until step ⑦ makes them a 发展对象)."""
    return STEPS[step_done].stage
