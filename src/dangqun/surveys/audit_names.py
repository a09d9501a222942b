"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "survey.create": "新建问卷",
    "survey.update": "修改问卷",
    "survey.question_add": "添加问卷题目",
    "survey.question_update": "修改问卷题目",
    "survey.question_move": "调整问卷题目顺序",
    "survey.question_delete": "删除问卷题目",
    "survey.publish": "发布问卷",
    "survey.close": "结束问卷",
    "survey.answer": "填写问卷（实名）",
    "survey.answer_anonymous": "填写问卷（匿名）",
    "survey.export": "导出问卷结果",
    "survey.index_export": "导出员工满意度指数",
}
