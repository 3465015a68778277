"""Structured content: treatment note and form sections, patient custom fields."""

from __future__ import annotations

import uuid
from typing import Any

from clinic_sandbox.clinic import rates
from clinic_sandbox.clinic.pools import EMOJI

# (section, [(question, type, options)]); the templates and the notes share this layout.
NOTE_LAYOUT: list[tuple[str, list[tuple[str, str, list[str]]]]] = [
    (
        "Subjective",
        [("Presenting complaint", "paragraph", []), ("History", "paragraph", [])],
    ),
    (
        "Objective",
        [
            ("Observations", "paragraph", []),
            ("Range of motion", "radiobuttons", ["Full", "Reduced", "Painful"]),
            ("Date of injury", "date", []),
        ],
    ),
    (
        "Assessment",
        [
            ("Diagnosis", "text", []),
            ("Red flags", "checkboxes", ["None", "Night pain", "Numbness"]),
        ],
    ),
    ("Plan", [("Treatment", "paragraph", []), ("Next review", "text", [])]),
]
LONG_NOTE_MIN_CHARS = 32_769


def _token(rng: Any) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def template_content() -> dict[str, Any]:
    """A treatment note template's sections: questions without answers."""
    sections = []
    for name, questions in NOTE_LAYOUT:
        out = []
        for q, kind, options in questions:
            question: dict[str, Any] = {"name": q, "type": kind}
            if options:
                question["answers"] = [{"value": o} for o in options]
                question["other"] = {"enabled": False}
            out.append(question)
        sections.append({"name": name, "description": None, "questions": out})
    return {"sections": sections}


def _html_paragraphs(ctx: Any, count: int) -> str:
    return "".join(f"<p>{ctx.pick(ctx.pools.paragraphs)}</p>" for _ in range(count))


def note_content(ctx: Any, injury_day: str, long: bool) -> dict[str, Any]:
    """A filled-in note; paragraph answers carry Cliniko's limited HTML."""
    sections: list[dict[str, Any]] = []
    for name, questions in NOTE_LAYOUT:
        out = []
        for q, kind, options in questions:
            question: dict[str, Any] = {"name": q, "type": kind}
            if kind == "paragraph":
                question["answer"] = _html_paragraphs(ctx, ctx.rng.randint(1, 2))
            elif kind == "text":
                question["answer"] = ctx.pick(ctx.pools.sentences)
            elif kind == "date":
                question["answer"] = injury_day
            else:
                chosen = ctx.rng.randrange(len(options))
                question["answers"] = [
                    {"value": o, "selected": i == chosen} for i, o in enumerate(options)
                ]
                question["other"] = {"enabled": False, "selected": False, "value": ""}
            out.append(question)
        sections.append({"name": name, "questions": out})
    if long:
        # One very long history answer: longer than CRM note limits (32,768 characters).
        parts = []
        size = 0
        while size < LONG_NOTE_MIN_CHARS:
            chunk = f"<p>{ctx.pick(ctx.pools.paragraphs)}</p>"
            parts.append(chunk)
            size += len(chunk)
        sections[0]["questions"][1]["answer"] = "".join(parts)
    if ctx.chance(rates.EMOJI):
        sections[3]["questions"][0]["answer"] += f"<p>Feeling great {ctx.pick(EMOJI)}</p>"
    return {"sections": sections}


def custom_fields_definition(rng: Any) -> dict[str, Any]:
    """The account's patient custom fields (insurance carrier, policy, health fund, Medicare)."""

    def options(names: list[str]) -> list[dict[str, Any]]:
        return [{"name": n, "token": _token(rng), "archived": False} for n in names]

    insurance = [
        {
            "name": "Insurance carrier",
            "type": "radiobuttons",
            "token": _token(rng),
            "archived": False,
            "options": options(["Bupa", "Medibank", "HCF", "nib", "AHM"]),
            "other": {"enabled": True, "archived": False},
        },
        {"name": "Policy number", "type": "text", "token": _token(rng), "archived": False},
        {
            "name": "Health fund",
            "type": "radiobuttons",
            "token": _token(rng),
            "archived": False,
            "options": options(["Private", "DVA", "WorkCover", "None"]),
            "other": {"enabled": False, "archived": False},
        },
        {"name": "Medicare number", "type": "text", "token": _token(rng), "archived": False},
        {"name": "Old fund code", "type": "text", "token": _token(rng), "archived": True},
    ]
    preferences = [
        {
            "name": "Preferred contact",
            "type": "checkboxes",
            "token": _token(rng),
            "archived": False,
            "options": options(["SMS", "Email", "Phone"]),
            "other": {"enabled": False, "archived": False},
        },
        {"name": "Consent date", "type": "date", "token": _token(rng), "archived": False},
    ]
    return {
        "sections": [
            {"name": "Insurance", "token": _token(rng), "archived": False, "fields": insurance},
            {"name": "Preferences", "token": _token(rng), "archived": False, "fields": preferences},
        ]
    }


def patient_custom_fields(ctx: Any, definition: dict[str, Any], day: str) -> dict[str, Any]:
    """One patient's answers to the account's custom fields."""
    sections = []
    for section in definition["sections"]:
        fields = []
        for field in section["fields"]:
            value: dict[str, Any] = {
                "name": field["name"],
                "type": field["type"],
                "token": field["token"],
                "archived": field["archived"],
            }
            kind = field["type"]
            if kind == "text":
                value["value"] = _text_value(ctx, field["name"])
            elif kind == "date":
                value["value"] = day
            else:
                chosen = ctx.rng.randrange(len(field["options"]))
                value["options"] = [
                    {**o, "selected": i == chosen} for i, o in enumerate(field["options"])
                ]
                value["other"] = {"enabled": field["other"]["enabled"], "selected": False}
                value["other"]["value"] = ""
            fields.append(value)
        sections.append(
            {
                "name": section["name"],
                "token": section["token"],
                "archived": False,
                "fields": fields,
            }
        )
    return {"sections": sections}


def _text_value(ctx: Any, name: str) -> str:
    if name == "Policy number":
        return f"POL-{ctx.rng.randrange(10**7):07d}"
    if name == "Medicare number":
        return "".join(str(ctx.rng.randrange(10)) for _ in range(10))
    return ""


def form_content(ctx: Any, answered: bool) -> dict[str, Any]:
    """An intake form: text, paragraph, date, checkboxes and signature questions."""
    questions: list[dict[str, Any]] = [
        {"name": "Reason for visit", "type": "text", "required": True},
        {"name": "Medical history", "type": "paragraph", "required": False},
        {"name": "Date of onset", "type": "date", "required": False},
        {"name": "Conditions", "type": "checkboxes", "required": False},
        {"name": "Signature", "type": "signature", "required": True},
    ]
    if answered:
        questions[0]["answer"] = ctx.pick(ctx.pools.sentences)
        questions[1]["answer"] = ctx.pick(ctx.pools.paragraphs)
        questions[2]["answer"] = "2024-03-01"
        questions[3]["answers"] = [
            {"value": v, "selected": ctx.chance(0.3)} for v in ("Asthma", "Diabetes", "Arthritis")
        ]
        questions[3]["other"] = {"enabled": False, "selected": False, "value": ""}
    return {"sections": [{"name": "Intake", "description": None, "questions": questions}]}
