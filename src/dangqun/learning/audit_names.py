"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "learning.overview_export": "导出学时完成情况",
    "learning.material_create": "新建学习资料",
    "learning.material_update": "修改学习资料",
    "learning.material_publish": "发布学习资料",
    "learning.material_withdraw": "撤回学习资料",
    "learning.material_confirm": "确认已学学习资料",
}
