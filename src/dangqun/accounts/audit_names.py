"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {
    "account.create": "新建账号",
    "account.update": "修改账号",
    "role.grant": "授予角色",
    "role.revoke": "收回角色",
    "token.create": "生成 API 令牌",
}
