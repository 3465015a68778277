"""A local simulator of the Freshsales (Freshworks CRM) REST API (docs/freshsales-simulator.md)."""
