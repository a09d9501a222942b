"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {
    "connect.bind": "绑定企业微信／钉钉／统一身份认证身份",
    "connect.unbind": "解除身份绑定",
    "connect.digest": "修改消息推送方式",
}
