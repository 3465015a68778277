"""The synthetic clinic: a seeded generator that streams a whole Cliniko account to SQLite."""

from clinic_sandbox.clinic.generator import GenerateOptions, crm_user_emails, generate_clinic

__all__ = ["GenerateOptions", "crm_user_emails", "generate_clinic"]
