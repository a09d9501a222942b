"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "publicity.item_create": "新建宣传内容",
    "publicity.item_update": "修改宣传内容",
    "publicity.item_publish": "发布宣传内容",
    "publicity.item_pin": "置顶或取消置顶宣传内容",
    "publicity.item_withdraw": "撤回宣传内容",
    "publicity.item_confirm": "确认已阅读宣传内容",
    "publicity.quiz_answer": "提交宣传内容测验",
    "publicity.question_add": "添加测验题",
    "publicity.question_remove": "删除测验题",
    "publicity.remind": "提醒阅读宣传内容",
}
