"""Singer target for Freshsales (Freshworks CRM)."""
