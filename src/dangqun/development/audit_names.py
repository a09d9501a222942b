"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {
    "development.open": "建立发展党员纪实",
    "development.close": "终止发展党员",
    "development.step": "记录发展步骤",
    "development.files": "上传发展党员材料",
    "development.assess": "记录培养考察",
    "development.vote": "记录支部大会表决",
    "development.extend": "延长预备期",
    "development.quota": "制定年度发展计划",
    "development.dossier": "下载发展党员纪实档案",
}
