"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {
    "learning.overview_export": "导出学时完成情况",
}
