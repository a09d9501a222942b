"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES = {"seed.run": "生成演示数据"}
