"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {
    "life.plan": "制定年度组织生活计划",
    "life.schedule": "安排会议",
    "life.update": "修改会议",
    "life.cancel": "取消会议",
    "life.finalise": "会议记录定稿",
    "life.addendum": "补充会议记录",
    "life.check_in": "扫码签到",
    "life.mark": "登记出席情况",
    "life.leave": "请假",
    "life.files": "上传会议材料",
    "life.remove_file": "删除会议材料",
    "life.vote": "记录会议表决",
    "life.appraisal_open": "开始民主评议",
    "life.appraisal_close": "结束民主评议",
    "life.self_assessment": "提交民主评议自评",
    "life.peer_ratings": "提交民主评议互评",
    "life.appraisal_grade": "评定民主评议等次",
    "life.radar_export": "导出组织生活统计",
    "life.annual_record": "打印支部年度组织生活记录",
}
