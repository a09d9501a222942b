"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "learning.overview_export": "导出学时完成情况",
    "learning.question.create": "新增试题",
    "learning.question.update": "修改试题",
    "learning.question.retire": "停用试题",
    "learning.question.restore": "恢复试题",
    "learning.question.import": "导入试题",
    "learning.question.export": "导出题库",
    "learning.paper.create": "新建试卷",
    "learning.exam.create": "发布考试",
    "learning.exam.start": "开始考试",
    "learning.exam.submit": "交卷",
}
