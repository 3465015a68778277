"""RS256 JSON Web Tokens with the standard library only: PEM keys, PKCS#1 v1.5 verify and sign.

The sandbox has no PyJWT/cryptography dependency, and the JWT bearer grant needs real signature
checks (a wrong key must fail), so the few pieces of RSA it needs are written out here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1).
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_OID = bytes.fromhex("2a864886f70d010101")
_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


@dataclass(frozen=True)
class PublicKey:
    n: int
    e: int


@dataclass(frozen=True)
class PrivateKey:
    n: int
    e: int
    d: int
    p: int
    q: int

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.n, self.e)


# --- DER ------------------------------------------------------------------------------------


def _read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    return tag, data[pos : pos + length], pos + length


def _children(data: bytes) -> list[tuple[int, bytes]]:
    items, pos = [], 0
    while pos < len(data):
        tag, value, pos = _read_tlv(data, pos)
        items.append((tag, value))
    return items


def _tlv(tag: int, value: bytes) -> bytes:
    size = len(value)
    if size < 0x80:
        return bytes([tag, size]) + value
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + value


def _der_int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


# --- PEM ------------------------------------------------------------------------------------


def _pem_blocks(text: str) -> list[tuple[str, bytes]]:
    blocks: list[tuple[str, bytes]] = []
    label: str | None = None
    lines: list[str] = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("-----BEGIN "):
            label, lines = line[11:].rstrip("-"), []
        elif line.startswith("-----END ") and label:
            blocks.append((label, base64.b64decode("".join(lines))))
            label = None
        elif label:
            lines.append(line)
    return blocks


def _rsa_numbers(pkcs1: bytes) -> PublicKey:
    ((_, body),) = _children(pkcs1)[:1]
    n, e = (int.from_bytes(value, "big") for _, value in _children(body)[:2])
    return PublicKey(n, e)


def _from_spki(spki: bytes) -> PublicKey:
    algorithm, bits = _children(spki)[:2]
    if _RSA_OID not in algorithm[1]:
        raise ValueError("the public key is not an RSA key")
    return _rsa_numbers(bits[1][1:])  # BIT STRING: first byte counts unused bits


def load_public_key(pem: str) -> PublicKey:
    """An RSA public key from PEM: `PUBLIC KEY`, `RSA PUBLIC KEY` or an X.509 `CERTIFICATE`."""
    for label, der in _pem_blocks(pem):
        if label == "RSA PUBLIC KEY":
            return _rsa_numbers(der)
        if label == "PUBLIC KEY":
            return _from_spki(_children(der)[0][1])
        if label == "CERTIFICATE":
            tbs = _children(_children(_children(der)[0][1])[0][1])
            fields = tbs[1:] if tbs[0][0] == 0xA0 else tbs  # skip the explicit [0] version
            return _from_spki(fields[5][1])
    raise ValueError("no PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE block in the PEM text")


def public_key_pem(key: PublicKey) -> str:
    """SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`)."""
    rsa_key = _tlv(0x30, _der_int(key.n) + _der_int(key.e))
    algorithm = _tlv(0x30, _tlv(0x06, _RSA_OID) + b"\x05\x00")
    return _pem("PUBLIC KEY", _tlv(0x30, algorithm + _tlv(0x03, b"\x00" + rsa_key)))


def private_key_pem(key: PrivateKey) -> str:
    """PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`), which PyJWT and OpenSSL read."""
    numbers = [0, key.n, key.e, key.d, key.p, key.q]
    numbers += [key.d % (key.p - 1), key.d % (key.q - 1), pow(key.q, -1, key.p)]
    return _pem("RSA PRIVATE KEY", _tlv(0x30, b"".join(_der_int(x) for x in numbers)))


def _pem(label: str, der: bytes) -> str:
    text = base64.b64encode(der).decode()
    body = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


# --- keys -----------------------------------------------------------------------------------


def _probable_prime(n: int) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(candidate):
            return candidate


def generate_private_key(bits: int = 2048) -> PrivateKey:
    """A fresh RSA key with e = 65537."""
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            return PrivateKey(p * q, e, pow(e, -1, phi), p, q)


# --- JWT ------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _encoded_digest(message: bytes, size: int) -> bytes:
    digest_info = _SHA256_PREFIX + hashlib.sha256(message).digest()
    return b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info


def sign_rs256(claims: dict[str, Any], key: PrivateKey) -> str:
    """A compact JWT signed with RS256."""
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    size = (key.n.bit_length() + 7) // 8
    signature = pow(int.from_bytes(_encoded_digest(signing_input, size), "big"), key.d, key.n)
    return f"{header}.{payload}.{_b64url(signature.to_bytes(size, 'big'))}"


def verify_rs256(token: str, key: PublicKey) -> dict[str, Any]:
    """The claims of a JWT whose RS256 signature `key` verifies; ValueError otherwise."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_unb64url(header_b64))
        claims = json.loads(_unb64url(payload_b64))
        signature = _unb64url(signature_b64)
    except (ValueError, TypeError) as error:
        raise ValueError("the assertion is not a compact JWT") from error
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        raise ValueError("the assertion's alg is not RS256")
    size = (key.n.bit_length() + 7) // 8
    value = int.from_bytes(signature, "big")
    if len(signature) != size or value >= key.n:
        raise ValueError("the signature does not fit the key")
    recovered = pow(value, key.e, key.n).to_bytes(size, "big")
    expected = _encoded_digest(f"{header_b64}.{payload_b64}".encode(), size)
    if not hmac.compare_digest(recovered, expected):
        raise ValueError("the signature does not verify")
    if not isinstance(claims, dict):
        raise ValueError("the claims are not a JSON object")
    return claims
