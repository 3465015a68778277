"""A faithful local simulator of the Cliniko REST API over a generated clinic."""
