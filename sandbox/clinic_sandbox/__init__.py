"""A synthetic clinic and local simulators of the Cliniko and CRM APIs."""
