"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "learning.class_create": "新建培训班",
    "learning.class_update": "修改培训班",
    "learning.class_publish": "发布培训班",
    "learning.class_finish": "结束培训班",
    "learning.class_cancel": "取消培训班",
    "learning.session_add": "添加培训课次",
    "learning.session_update": "修改培训课次",
    "learning.session_remove": "删除培训课次",
    "learning.class_sign_up": "报名培训班",
    "learning.class_withdraw": "退出培训班",
    "learning.class_release": "移出参训名单",
    "learning.class_check_in": "培训班扫码签到",
    "learning.class_mark": "登记培训出勤",
    "learning.class_unmark": "取消培训出勤",
    "learning.class_certificate": "下载结业证书",
    "learning.external_record": "登记外出培训",
    "learning.external_confirm": "确认外出培训学时",
    "learning.external_return": "退回外出培训",
}
