"""学习培训's exams for the demo (issue #17 §5): a bank of 56 questions on the 党章 (every type, with
the article each rests on), a fixed paper, one exam closed last week that most of the demo branch's
members passed and one failed (results and answers are shown, 学时 credited), and one exam open
now on a random paper that ``yuangong`` can take. Deterministic: the same answers every run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.learning import exams, ledger, papers, questions
from dangqun.learning.exam_models import Answer, Attempt, Kind, Question
from dangqun.learning.models import Source
from dangqun.orgs.models import Org
from dangqun.people.models import Person

S, M, T, F = Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE, Kind.FILL
OK, WRONG = [0], [1]

# (type, stem, options, answer, explanation, tags, difficulty)
QUESTIONS = [
    (
        S,
        "中国共产党是中国工人阶级的先锋队，同时是（ ）的先锋队。",
        ["中国人民和中华民族", "全体劳动者", "知识分子", "农民阶级"],
        [0],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        S,
        "党的最高理想和最终目标是（ ）。",
        ["实现共产主义", "全面建成小康社会", "基本实现社会主义现代化", "消除贫困"],
        [0],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        S,
        "年满（ ）的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党。",
        ["十六岁", "十八岁", "二十岁", "二十二岁"],
        [1],
        "党章第一条。",
        "党章，党员",
        1,
    ),
    (
        S,
        "预备党员的预备期为（ ）。",
        ["半年", "一年", "两年", "三年"],
        [1],
        "党章第七条。",
        "党章，党员",
        1,
    ),
    (
        S,
        "党员如果没有正当理由，连续（ ）不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。",
        ["三个月", "六个月", "九个月", "一年"],
        [1],
        "党章第九条。",
        "党章，党员",
        2,
    ),
    (
        S,
        "企业、农村、机关、学校等基层单位，凡是有正式党员（ ）人以上的，都应当成立党的基层组织。",
        ["三", "五", "七", "十"],
        [0],
        "党章第三十条。",
        "党章，基层组织",
        1,
    ),
    (
        S,
        "党的全国代表大会每（ ）年举行一次，由中央委员会召集。",
        ["三", "四", "五", "十"],
        [2],
        "党章第十九条。",
        "党章，组织制度",
        1,
    ),
    (
        S,
        "党的基层委员会、总支部委员会、支部委员会每届任期（ ）。",
        ["两年", "两年或三年", "三年至五年", "五年"],
        [2],
        "党章第三十条。",
        "党章，基层组织",
        2,
    ),
    (
        S,
        "党员的党龄，从（ ）之日算起。",
        [
            "递交入党申请书",
            "被确定为入党积极分子",
            "支部大会通过接收为预备党员",
            "预备期满转为正式党员",
        ],
        [3],
        "党章第七条。",
        "党章，党员",
        2,
    ),
    (
        S,
        "党的纪律处分有（ ）种。",
        ["三", "四", "五", "六"],
        [2],
        "党章第四十一条：警告、严重警告、撤销党内职务、留党察看、开除党籍。",
        "党章，纪律",
        1,
    ),
    (
        S,
        "留党察看最长不超过（ ）。",
        ["半年", "一年", "一年半", "两年"],
        [3],
        "党章第四十一条。",
        "党章，纪律",
        2,
    ),
    (
        S,
        "中国共产党以（ ）作为自己的行动指南。",
        [
            "马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想",
            "马克思列宁主义、毛泽东思想",
            "邓小平理论",
            "科学发展观",
        ],
        [0],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        S,
        "入党誓词中写道：为共产主义奋斗（ ），随时准备为党和人民牺牲一切，永不叛党。",
        ["到底", "终身", "一生", "不息"],
        [1],
        "党章第六条。",
        "党章，党员",
        1,
    ),
    (
        S,
        "党徽党旗是中国共产党的（ ）。",
        ["象征和标志", "精神旗帜", "组织标识", "荣誉象征"],
        [0],
        "党章第五十三条。",
        "党章，党徽党旗",
        1,
    ),
    (
        S,
        "党的各级领导机关，除它们派出的代表机关和在非党组织中的党组外，都由（ ）产生。",
        ["上级任命", "选举", "协商", "推荐"],
        [1],
        "党章第十条。",
        "党章，组织制度",
        2,
    ),
    (
        S,
        "发展党员，必须经过（ ），坚持个别吸收的原则。",
        ["党的支部", "党的基层委员会", "党的总支部委员会", "上级党委"],
        [0],
        "党章第五条。",
        "党章，党员",
        2,
    ),
    (
        S,
        "预备党员的权利，除了没有（ ）以外，也同正式党员一样。",
        ["表决权、选举权和被选举权", "参加党的有关会议的权利", "提出批评的权利", "申诉的权利"],
        [0],
        "党章第七条。",
        "党章，党员",
        2,
    ),
    (
        S,
        "我国正处于并将长期处于（ ）。",
        ["社会主义初级阶段", "社会主义中级阶段", "新民主主义阶段", "过渡时期"],
        [0],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        S,
        "中央委员会全体会议由（ ）召集，每年至少举行一次。",
        ["中央书记处", "中央政治局", "中央政治局常务委员会", "中央军事委员会"],
        [1],
        "党章第二十二条。",
        "党章，组织制度",
        3,
    ),
    (
        S,
        "党的省、自治区、直辖市、设区的市和自治州等地方代表大会，每（ ）年举行一次。",
        ["三", "四", "五", "六"],
        [2],
        "党章第二十四条。",
        "党章，组织制度",
        2,
    ),
    (
        S,
        "党的中央和省、自治区、直辖市委员会实行（ ）制度。",
        ["巡视", "巡察", "述职", "轮岗"],
        [0],
        "党章第十四条；市、县两级委员会建立巡察制度。",
        "党章，组织制度",
        3,
    ),
    (
        M,
        "党的纪律主要包括（ ）等。",
        ["政治纪律", "组织纪律", "廉洁纪律", "考勤纪律"],
        [0, 1, 2],
        "党章第四十条：政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。",
        "党章，纪律",
        2,
    ),
    (
        M,
        "下列属于党的纪律处分的有（ ）。",
        ["警告", "严重警告", "留党察看", "降级"],
        [0, 1, 2],
        "党章第四十一条；降级是政务处分。",
        "党章，纪律",
        2,
    ),
    (
        M,
        "党的建设必须坚决实现的基本要求包括（ ）。",
        ["坚持党的基本路线", "坚持全心全意为人民服务", "坚持从严管党治党", "坚持以产值论英雄"],
        [0, 1, 2],
        "党章总纲：党的建设必须坚决实现的六项基本要求。",
        "党章，总纲",
        3,
    ),
    (
        M,
        "党员享有的权利包括（ ）。",
        [
            "参加党的有关会议，阅读党的有关文件，接受党的教育和培训",
            "在党的会议上和党报党刊上，参加关于党的政策问题的讨论",
            "行使表决权、选举权，有被选举权",
            "决定本单位的人事任免",
        ],
        [0, 1, 2],
        "党章第四条。",
        "党章，党员",
        2,
    ),
    (
        M,
        "根据工作需要和党员人数，经上级党组织批准，可以设立的党的基层组织有（ ）。",
        ["基层委员会", "总支部委员会", "支部委员会", "党组"],
        [0, 1, 2],
        "党章第三十条；党组设在非党组织的领导机关中。",
        "党章，基层组织",
        3,
    ),
    (
        M,
        "“四个意识”是指（ ）。",
        ["政治意识", "大局意识", "核心意识", "看齐意识", "忧患意识"],
        [0, 1, 2, 3],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        M,
        "“四个自信”是指（ ）。",
        ["道路自信", "理论自信", "制度自信", "文化自信", "历史自信"],
        [0, 1, 2, 3],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        M,
        "民主集中制的基本原则包括（ ）。",
        ["党员个人服从党的组织", "少数服从多数", "下级组织服从上级组织", "上级组织服从下级组织"],
        [0, 1, 2],
        "党章第十条。",
        "党章，组织制度",
        2,
    ),
    (
        M,
        "党的基本路线中的“两个基本点”是（ ）。",
        ["坚持四项基本原则", "坚持改革开放", "以经济建设为中心", "坚持对外援助"],
        [0, 1],
        "党章总纲。",
        "党章，总纲",
        2,
    ),
    (
        M,
        "党员必须履行的义务包括（ ）。",
        [
            "认真学习马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想",
            "贯彻执行党的基本路线和各项方针、政策",
            "坚持党和人民的利益高于一切",
            "在工作中享有特殊照顾",
        ],
        [0, 1, 2],
        "党章第三条；党员不得谋求任何私利和特权。",
        "党章，党员",
        2,
    ),
    (
        M,
        "四项基本原则是（ ）。",
        [
            "坚持社会主义道路",
            "坚持人民民主专政",
            "坚持中国共产党的领导",
            "坚持马克思列宁主义、毛泽东思想",
            "坚持计划经济",
        ],
        [0, 1, 2, 3],
        "党章总纲。",
        "党章，总纲",
        2,
    ),
    (
        M,
        "党的优良作风包括（ ）。",
        ["理论联系实际", "密切联系群众", "批评与自我批评", "形式主义"],
        [0, 1, 2],
        "党章总纲：党的作风建设。",
        "党章，作风",
        1,
    ),
    (T, "预备党员的预备期为一年。", [], OK, "党章第七条。", "党章，党员", 1),
    (
        T,
        "党员的党龄从递交入党申请书之日算起。",
        [],
        WRONG,
        "党章第七条：从预备期满转为正式党员之日算起。",
        "党章，党员",
        1,
    ),
    (T, "预备党员享有表决权、选举权和被选举权。", [], WRONG, "党章第七条。", "党章，党员", 1),
    (T, "党的全国代表大会每五年举行一次。", [], OK, "党章第十九条。", "党章，组织制度", 1),
    (T, "党员有退党的自由。", [], OK, "党章第九条。", "党章，党员", 2),
    (T, "留党察看最长不超过一年。", [], WRONG, "党章第四十一条：最长不超过两年。", "党章，纪律", 2),
    (
        T,
        "党员受留党察看处分期间，没有表决权、选举权和被选举权。",
        [],
        OK,
        "党章第四十一条。",
        "党章，纪律",
        2,
    ),
    (
        T,
        "党组织讨论决定问题，必须执行少数服从多数的原则。",
        [],
        OK,
        "党章第十条。",
        "党章，组织制度",
        1,
    ),
    (
        T,
        "党的各级委员会实行集体领导和个人分工负责相结合的制度。",
        [],
        OK,
        "党章第十条。",
        "党章，组织制度",
        2,
    ),
    (
        T,
        "党的最高领导机关是党的中央政治局。",
        [],
        WRONG,
        "党章第十条：党的全国代表大会和它所产生的中央委员会。",
        "党章，组织制度",
        1,
    ),
    (
        T,
        "领导干部在党的纪律面前可以有例外。",
        [],
        WRONG,
        "党章第四十条：党内决不允许有不受纪律约束的特殊党员。",
        "党章，纪律",
        1,
    ),
    (
        T,
        "党员个人代表党组织发表重要主张，如果超出党组织已有决定的范围，必须提交所在的党组织讨论决定，或向上级党组织请示。",
        [],
        OK,
        "党章第十六条。",
        "党章，组织制度",
        3,
    ),
    (
        F,
        "中国共产党党员是中国工人阶级的有（ ）觉悟的先锋战士。",
        [],
        ["共产主义"],
        "党章第二条。",
        "党章，党员",
        1,
    ),
    (
        F,
        "党的最高领导机关，是党的全国代表大会和它所产生的（ ）。",
        [],
        ["中央委员会", "党中央委员会"],
        "党章第十条。",
        "党章，组织制度",
        1,
    ),
    (F, "党的根本组织原则是（ ）。", [], ["民主集中制"], "党章总纲、第十条。", "党章，组织制度", 1),
    (F, "中国共产党的根本宗旨是（ ）。", [], ["全心全意为人民服务"], "党章总纲。", "党章，总纲", 1),
    (
        F,
        "党的纪律处分有五种：警告、严重警告、撤销党内职务、（ ）、开除党籍。",
        [],
        ["留党察看"],
        "党章第四十一条。",
        "党章，纪律",
        1,
    ),
    (
        F,
        "申请入党的人，要有（ ）名正式党员作介绍人。",
        [],
        ["两", "二", "2"],
        "党章第五条。",
        "党章，党员",
        1,
    ),
    (
        F,
        "党的各级纪律检查委员会协助党的委员会推进全面从严治党、加强（ ）和组织协调反腐败工作。",
        [],
        ["党风建设"],
        "党章第四十六条。",
        "党章，纪律",
        3,
    ),
    (
        F,
        "党的基层组织是党在社会基层组织中的（ ），是党的全部工作和战斗力的基础。",
        [],
        ["战斗堡垒"],
        "党章第五章。",
        "党章，基层组织",
        1,
    ),
    (F, "入党誓词的最后一句是“永不（ ）”。", [], ["叛党"], "党章第六条。", "党章，党员", 1),
    (
        F,
        "党的思想路线是一切从实际出发，理论联系实际，（ ），在实践中检验真理和发展真理。",
        [],
        ["实事求是"],
        "党章总纲。",
        "党章，总纲",
        2,
    ),
    (
        F,
        "党在社会主义初级阶段的基本路线中的“一个中心”是以（ ）为中心。",
        [],
        ["经济建设"],
        "党章总纲。",
        "党章，总纲",
        1,
    ),
    (
        F,
        "党员要吃苦在前，（ ），克己奉公，多做贡献。",
        [],
        ["享受在后"],
        "党章第三条。",
        "党章，党员",
        1,
    ),
]

# how many of every ten questions each demo member answers right in the closed exam (the last fails)
SHARES = [9, 8, 8, 10, 7, 9, 8, 9, 4]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _bank(secretary, branch: Org) -> list[Question]:
    made = []
    for kind, stem, options, answer, explanation, tags, level in QUESTIONS:
        data = {
            "kind": kind,
            "stem": stem,
            "options": options,
            "answer": answer,
            "explanation": explanation,
            "tags": tags,
            "difficulty": level,
        }
        made.append(questions.create(secretary, branch, data))
    return made


def _sit(exam, person, items, share: int, started: dt.datetime, bank: dict) -> Attempt:
    """One person's attempt at the closed exam, answered ``share`` in ten right, graded."""
    attempt = Attempt.objects.create(
        exam=exam,
        person=person,
        number=1,
        items=items,
        started_at=started,
        deadline=started + dt.timedelta(minutes=exam.limit_minutes),
        total=sum((Decimal(i["points"]) for i in items), Decimal(0)),
    )
    answers = []
    for position, item in enumerate(items):
        question = bank[item["q"]]
        right = (position * 3 + person.pk) % 10 < share
        if question.kind == Kind.FILL:
            response = [question.answer[0] if right else "不清楚"]
        else:
            order = item["order"] or [0, 1]
            wanted = (
                question.answer
                if right
                else [a for a in range(len(order)) if a not in question.answer][:1]
            )
            response = sorted(order.index(a) for a in wanted)
        answers.append(
            Answer(attempt=attempt, position=position, question=question, response=response)
        )
    Answer.objects.bulk_create(answers)
    exams.grade(attempt)
    attempt.submitted_at = started + dt.timedelta(minutes=18)
    attempt.save(update_fields=["score", "passed", "submitted_at"])
    return attempt


def seed_demo_exams(branch: Org, today: dt.date) -> int:
    """The demo's question bank and exams; returns how many attempts were written."""
    secretary = User.objects.get(username="shuji")
    employee = User.objects.get(username="yuangong")
    made = _bank(secretary, branch)
    bank = {q.pk: q for q in made}
    chosen = [*made[::3], made[1]]  # 20 of every type, 5 points each: 100
    paper = papers.create(
        secretary,
        branch,
        {
            "title": "党章知识测试卷",
            "mode": "fixed",
            "questions": [q.pk for q in chosen],
            "points": {k: 5 for k in Kind.values},
        },
    )
    now = timezone.now()
    past = min(_at(today, 9), now) - dt.timedelta(days=7)
    closed = exams.create(
        secretary,
        branch,
        {
            "title": "党章知识测试（第一期）",
            "paper": paper,
            "opens_at": past - dt.timedelta(days=7),
            "closes_at": past,
            "limit_minutes": 30,
            "attempts_allowed": 1,
            "pass_mark": Decimal(60),
            "partial_credit": True,
            "hours": Decimal(2),
            "audience_who": "members",
        },
    )
    items = []
    for item in paper.items.select_related("question"):
        places = list(range(len(item.question.options)))
        order = places[1:] + places[:1] if item.question.kind in (S, M) else None
        items.append({"q": item.question_id, "points": str(item.points), "order": order})
    others = list(
        Person.objects.filter(party_branch=branch, is_current_member=True)
        .exclude(pk=employee.person_id)
        .order_by("employee_no")[: len(SHARES) - 1]
    )
    people = [Person.objects.get(pk=employee.person_id), *others]
    shares = [*SHARES[: len(people) - 1], SHARES[-1]]  # the last one fails
    for n, (person, share) in enumerate(zip(people, shares, strict=True)):
        _sit(closed, person, items, share, past - dt.timedelta(days=6, hours=-n), bank)
    ledger.sync(Source.EXAM, [closed.pk])
    random_paper = papers.create(
        secretary,
        branch,
        {
            "title": "党章随机抽题卷",
            "mode": "random",
            "rules": [
                {"kind": S, "tag": "党章", "count": 5, "points": "10"},
                {"kind": M, "tag": "", "count": 3, "points": "10"},
                {"kind": T, "tag": "", "count": 2, "points": "10"},
            ],
        },
    )
    exams.create(
        secretary,
        branch,
        {
            "title": "党章学习月测试",
            "paper": random_paper,
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": max(now, _at(today, 18)) + dt.timedelta(days=7),
            "limit_minutes": 20,
            "attempts_allowed": 2,
            "pass_mark": Decimal(60),
            "partial_credit": False,
            "hours": Decimal(1),
            "audience_who": "members",
        },
    )
    return len(people)
