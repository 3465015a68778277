"""Singer tap for the Cliniko practice-management API."""
