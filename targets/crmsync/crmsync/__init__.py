"""The CRM sync engine shared by every CRM target: id map, audit log, retries, reconciliation."""
