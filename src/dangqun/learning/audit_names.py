"""The Chinese names of the audit actions this app writes (gathered by ``core.audit_names``)."""

NAMES: dict[str, str] = {}
