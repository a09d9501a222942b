"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {
    "org.create": "新建组织",
    "org.update": "修改组织",
    "org.move": "调整组织隶属关系",
    "org.dissolve": "撤销组织",
    "org.term.start": "换届",
    "org.post.appoint": "任职",
    "org.post.end": "结束任职",
}
