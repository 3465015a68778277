"""No secret in meltano.yml or the repository; `.env` is ignored; `.env.example` is complete.

tests/test_repository.py checks that secret settings are `sensitive` and that every plugin setting
has a line in `.env.example`. These add what it leaves out: the two files agree both ways (dbt's
settings included, nothing stale), the ignore rule is git's own answer, no environment of
meltano.yml carries a credential, and no tracked file holds a key, a token or a private key.
"""

from __future__ import annotations

import base64
import binascii
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MELTANO = yaml.safe_load((ROOT / "meltano.yml").read_text())
SECRET_WORDS = ("api_key", "token", "secret", "password", "encryption_key", "private_key")
# What real credentials look like: a Cliniko key (base64 + shard), a Salesforce session id,
# a PEM private key body, a bearer header with a value.
CREDENTIAL_SHAPES = {
    "Cliniko API key": re.compile(r"[A-Za-z0-9+/=]{40,}-(?:au|ca|uk|eu|us)\d\b"),
    "Salesforce session id": re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{20,}"),
    "PEM private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*\n[A-Za-z0-9+/=]{60,}"),
    "Bearer token": re.compile(r"Bearer [A-Za-z0-9._~+/-]{30,}"),
}


def env_names_from_meltano() -> set[str]:
    """The environment variable of every setting of every plugin (Meltano's naming rule)."""
    names = set()
    for group in MELTANO["plugins"].values():
        for plugin in group:
            for setting in plugin.get("settings", []):
                default = f"{plugin['name']}_{setting['name']}".upper().replace("-", "_")
                names.add(setting.get("env") or default)
    return names


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    assert all(len(pair) == 2 for pair in pairs), "every line is NAME="
    return {name.strip(): value for name, value in pairs}


def is_test_fixture(kind: str, match: str) -> bool:
    """A Cliniko-shaped key whose body says it is a test key (tests/tap_cliniko's fixture)."""
    if kind != "Cliniko API key":
        return False
    try:
        body = base64.b64decode(match.rsplit("-", 1)[0], validate=True).decode("ascii", "replace")
    except (binascii.Error, ValueError):
        return False
    return any(word in body.lower() for word in ("testkey", "fake", "notreal", "sandbox"))


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return listed.split()


def test_env_example_and_meltano_yml_list_the_same_settings() -> None:
    example = env_example()
    expected = env_names_from_meltano()
    assert len(expected) > 50  # the parse found the plugins' settings
    assert sorted(expected - set(example)) == [], "settings missing from .env.example"
    assert sorted(set(example) - expected) == [], ".env.example names settings nobody reads"


def test_env_example_has_no_values() -> None:
    assert {name for name, value in env_example().items() if value.strip()} == set()


def test_env_is_ignored_by_git_and_never_tracked() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".env"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, ".env is not ignored"
    assert not [f for f in tracked_files() if Path(f).name == ".env"]


def test_no_environment_of_meltano_yml_carries_a_credential() -> None:
    for environment in MELTANO["environments"]:
        plugins = environment.get("config", {}).get("plugins", {})
        for group in plugins.values():
            for plugin in group:
                for key in plugin.get("config", {}):
                    assert not any(w in key for w in SECRET_WORDS), (environment["name"], key)
    text = (ROOT / "meltano.yml").read_text()
    assert not re.search(r"(?im)^\s*(api_key|client_secret|refresh_token|private_key):\s*\S", text)


def test_no_tracked_file_holds_a_credential() -> None:
    offenders: dict[str, list[str]] = {}
    names = tracked_files()
    assert len(names) > 100
    for name in names:
        path = ROOT / name
        if name.endswith(".lock") or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        if Path(name).suffix in (".pem", ".key", ".p12", ".pfx"):
            offenders.setdefault(name, []).append("key file")
            continue
        text = path.read_text(errors="ignore")
        found = [
            kind
            for kind, shape in CREDENTIAL_SHAPES.items()
            for match in shape.finditer(text)
            if not is_test_fixture(kind, match.group(0))
        ]
        if found:
            offenders[name] = found
    assert offenders == {}


def test_the_credential_shapes_would_catch_a_real_one() -> None:
    """The scan is not vacuous: each shape matches a made-up credential of its kind."""
    # Built from parts, so that this file itself holds no credential-shaped text.
    samples = {
        "Cliniko API key": "MS0xMjM0NTY3ODkwMTIzNDU2Nzg5MC1hYmNkZWZnaGlqa2xtbm9w" + "-au2",
        "Salesforce session id": "00D5g000004Abcd" + "!AQ0AQFakeSessionTokenValue1234567890",
        "PEM private key": "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 64,
        "Bearer token": "Authorization: Bearer " + "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.sig",
    }
    for kind, sample in samples.items():
        match = CREDENTIAL_SHAPES[kind].search(sample)
        assert match and not is_test_fixture(kind, match.group(0)), kind
