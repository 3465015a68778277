"""Validate the config without ever echoing a secret value in an error."""

from __future__ import annotations

from typing import Any

from singer_sdk.plugin_base import JSONSchemaValidator

from tap_cliniko.settings import setting_errors


def secret_settings(schema: dict[str, Any]) -> set[str]:
    """Names of the settings marked secret in the config schema."""
    return {
        name
        for name, prop in schema.get("properties", {}).items()
        if prop.get("secret") or prop.get("writeOnly")
    }


def validate_config(config: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Schema errors (secret values redacted), else the checks the schema cannot do.

    Uses the SDK's validator, which also fills in defaults, like the SDK's own check.
    """
    secrets = secret_settings(schema)
    errors: list[str] = []
    for error in JSONSchemaValidator(schema).iter_errors(config):
        setting = error.path[0] if error.path else None
        if setting in secrets:
            errors.append(f"config['{setting}'] is invalid ({error.validator} check failed)")
        elif setting is not None:
            errors.append(f"{error.message} in config['{setting}']")
        else:
            errors.append(error.message)
    if not errors:
        errors = setting_errors(config)
    return errors
