"""Singer target for Salesforce Sales Cloud."""
