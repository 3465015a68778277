"""Seeded Faker pools: values drawn once, then picked by index so generation stays fast."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

_POOL = 400
_LATIN = ["en_AU", "en_GB", "en_NZ", "en_US"]
_UNICODE = [
    "de_DE",
    "fr_FR",
    "pl_PL",
    "vi_VN",
    "el_GR",
    "ru_RU",
    "ja_JP",
    "zh_CN",
    "tr_TR",
    "cs_CZ",
]
_RTL = ["ar_AA", "he_IL", "fa_IR"]

EMOJI = ["😀", "🌟", "💪", "🙏", "🌈", "🦘", "☕", "🎉", "❤️", "👍🏽"]
HTML_SNIPPETS = [
    "<p>Prefers <b>morning</b> appointments</p>",
    "<div>Call <i>before</i> 5pm<br>Gate code 1234</div>",
    '<a href="https://example.com/x">see referral</a> &amp; notes',
    "<ul><li>Allergic to latex</li><li>Uses a walker</li></ul>",
    "<script>alert('x')</script>Pasted from an old system",
]
MEDICAL_ALERTS = [
    "Allergic to latex",
    "Penicillin allergy",
    "Pacemaker",
    "Diabetes type 2",
    "Pregnant",
    "Epilepsy",
    "Blood thinners",
    "Asthma",
    "Hypertension",
    "Osteoporosis",
]
OCCUPATION_EXTRAS = ["Retired", "Student", "Nurse", "Builder", "Teacher"]


@dataclass
class Pools:
    """Names, places and text for the generator, from a seeded Faker."""

    first_names: list[str]
    last_names: list[str]
    unicode_names: list[tuple[str, str]]
    rtl_names: list[tuple[str, str]]
    streets: list[str]
    cities: list[tuple[str, str, str]]
    occupations: list[str]
    companies: list[str]
    sentences: list[str]
    paragraphs: list[str]
    words: list[str]


def _names(locales: list[str], seed: int, size: int) -> list[tuple[str, str]]:
    out = []
    for i, loc in enumerate(locales):
        fake = Faker(loc)
        fake.seed_instance(seed + i)
        out += [(fake.first_name(), fake.last_name()) for _ in range(size // len(locales) + 1)]
    return out[:size]


def build_pools(seed: int) -> Pools:
    """Draw every pool from Faker seeded with `seed` (same seed, same pools)."""
    latin = _names(_LATIN, seed, _POOL * 2)
    fake = Faker("en_AU")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    cities = [(fake.city(), fake.state(), fake.postcode()) for _ in range(80)]
    paragraphs = [fake.paragraph(nb_sentences=5) for _ in range(_POOL)]
    occupations = [fake.job() for _ in range(150)] + OCCUPATION_EXTRAS
    rng.shuffle(occupations)
    return Pools(
        first_names=[f for f, _ in latin],
        last_names=[last for _, last in latin],
        unicode_names=_names(_UNICODE, seed + 100, _POOL // 2),
        rtl_names=_names(_RTL, seed + 200, _POOL // 4),
        streets=[fake.street_address() for _ in range(_POOL)],
        cities=cities,
        occupations=occupations,
        companies=[fake.company() for _ in range(100)],
        sentences=[fake.sentence(nb_words=10) for _ in range(_POOL)],
        paragraphs=paragraphs,
        words=sorted({w for p in paragraphs[:40] for w in p.lower().strip(".").split()}),
    )
