"""The append-only audit log of staff actions (操作日志)."""
