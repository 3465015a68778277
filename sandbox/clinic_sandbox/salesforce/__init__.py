"""A local Salesforce Sales Cloud simulator (REST, collections, Bulk API 2.0, Tooling, OAuth)."""
