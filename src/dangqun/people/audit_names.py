"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``).
A member event is written as ``member.<type>``: one name per type of ``MemberEvent``."""

from dangqun.people.models import MemberEvent

NAMES = {
    "person.create": "登记人员",
    "person.update": "修改人员信息",
    "person.export": "导出人员",
    "person.reveal_id_number": "查看完整身份证号",
    "person.reveal_phone": "查看完整联系电话",
    "party_profile.create": "建立党员信息",
    "party_profile.update": "修改党员信息",
    "party_profile.admit": "接收为预备党员",
    "party_profile.confirm": "预备党员转正",
    "party_profile.cancel_probation": "取消预备党员资格",
    "correction.request": "申请更正本人信息",
    "correction.review": "审核信息更正申请",
    "people.import": "导入人员",
    "people.import_error_file": "下载人员导入的错误文件",
    **{f"member.{value}": f"党员事项：{label}" for value, label in MemberEvent.Type.choices},
}
