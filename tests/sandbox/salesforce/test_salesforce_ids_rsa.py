"""Record ids (the case-safe checksum) and the standard-library RS256 pieces."""

from __future__ import annotations

import pytest
from clinic_sandbox.salesforce import rsa
from clinic_sandbox.salesforce.ids import checksum, make_id, normalize
from clinic_sandbox.salesforce.testing import signing_key


def test_checksum_matches_salesforce_examples() -> None:
    # Published example pair: 001A0000006Vm9r → 001A0000006Vm9rIAC.
    assert checksum("001A0000006Vm9r") == "IAC"
    assert normalize("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert normalize("001A0000006Vm9rIAD") is None
    assert normalize("not-an-id") is None


def test_ids_sort_in_creation_order() -> None:
    ids = [make_id("003", n) for n in (1, 61, 62, 3844, 10**6)]
    assert ids == sorted(ids) and all(len(i) == 18 and normalize(i) == i for i in ids)


def test_keys_round_trip_through_pem() -> None:
    key = signing_key()
    assert rsa.load_public_key(rsa.public_key_pem(key.public)) == key.public
    token = rsa.sign_rs256({"sub": "a"}, key)
    assert rsa.verify_rs256(token, key.public) == {"sub": "a"}


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "e30.e30.AAAA"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(ValueError):
        rsa.verify_rs256(token, signing_key().public)


def test_only_rs256_is_accepted() -> None:
    import base64
    import json

    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    body = rsa.sign_rs256({"sub": "a"}, signing_key()).split(".", 1)[1]
    with pytest.raises(ValueError, match="RS256"):
        rsa.verify_rs256(f"{header}.{body}", signing_key().public)
