"""package.xml + source-format object and field metadata, and a field definition sheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.sax.saxutils import escape

from target_salesforce.fielddefs import FieldDef, custom_objects

NS = "http://soap.sforce.com/2006/04/metadata"


def write_all(defs: list[FieldDef], outdir: Path, api_version: str) -> list[Path]:
    """Write the deployable source tree, package.xml and the sheets; return the files written."""
    written: list[Path] = []
    root = outdir / "force-app" / "main" / "default" / "objects"
    for sobject in custom_objects(defs):
        path = root / sobject / f"{sobject}.object-meta.xml"
        written.append(_write(path, object_xml(sobject)))
    for field in defs:
        path = root / field.sobject / "fields" / f"{field.name}.field-meta.xml"
        written.append(_write(path, field_xml(field)))
    written.append(_write(outdir / "package.xml", package_xml(defs, api_version)))
    written.append(_write(outdir / "field-definitions.csv", sheet_csv(defs)))
    written.append(_write(outdir / "field-definitions.md", sheet_markdown(defs)))
    return written


def package_xml(defs: list[FieldDef], api_version: str) -> str:
    """The manifest naming every CustomObject and CustomField to deploy."""
    objects = "".join(f"        <members>{o}</members>\n" for o in custom_objects(defs))
    fields = "".join(f"        <members>{d.full_name}</members>\n" for d in defs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="{NS}">\n'
        f"    <types>\n{objects}        <name>CustomObject</name>\n    </types>\n"
        f"    <types>\n{fields}        <name>CustomField</name>\n    </types>\n"
        f"    <version>{api_version}</version>\n</Package>\n"
    )


def object_xml(sobject: str) -> str:
    """A custom object with a text Name field, deployed, with reports and search on."""
    label = sobject.removesuffix("__c").replace("_", " ")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="{NS}">\n'
        "    <deploymentStatus>Deployed</deploymentStatus>\n"
        "    <enableReports>true</enableReports>\n    <enableSearch>true</enableSearch>\n"
        f"    <label>{escape(label)}</label>\n"
        f"    <nameField>\n        <label>{escape(label)} Name</label>\n"
        "        <type>Text</type>\n    </nameField>\n"
        f"    <pluralLabel>{escape(label)}s</pluralLabel>\n"
        "    <sharingModel>ReadWrite</sharingModel>\n</CustomObject>\n"
    )


def field_xml(field: FieldDef) -> str:
    """One CustomField in source format (`<Field>.field-meta.xml`)."""
    lines = [f"    <fullName>{field.name}</fullName>"]
    if field.description:
        lines.append(f"    <description>{escape(field.description[:1000])}</description>")
    lines.append(f"    <label>{escape(field.label[:40])}</label>")
    lines.append(f"    <type>{field.type}</type>")
    if field.type in ("Text", "LongTextArea"):
        lines.append(f"    <length>{field.length}</length>")
    if field.type == "LongTextArea":
        lines.append("    <visibleLines>5</visibleLines>")
    if field.precision is not None:
        lines.append(f"    <precision>{field.precision}</precision>")
        lines.append(f"    <scale>{field.scale}</scale>")
    if field.type == "Checkbox":
        lines.append("    <defaultValue>false</defaultValue>")
    if field.external_id:
        lines.append("    <externalId>true</externalId>")
    if field.unique:
        lines.append("    <unique>true</unique>\n    <caseSensitive>true</caseSensitive>")
    if field.type == "Lookup":
        lines.append(f"    <referenceTo>{field.reference_to}</referenceTo>")
        name = f"{field.sobject.removesuffix('__c')}_{field.name.removesuffix('__c')}"
        lines.append(f"    <relationshipName>{name[:40]}</relationshipName>")
        lines.append("    <deleteConstraint>SetNull</deleteConstraint>")
    if field.type == "Picklist":
        values = "".join(
            f"                <value>\n                    <fullName>{escape(v)}</fullName>\n"
            f"                    <default>false</default>\n"
            f"                    <label>{escape(v)}</label>\n                </value>\n"
            for v in field.values
        )
        lines.append(
            "    <valueSet>\n        <restricted>true</restricted>\n"
            f"        <valueSetDefinition>\n            <sorted>false</sorted>\n{values}"
            "        </valueSetDefinition>\n    </valueSet>"
        )
    body = "\n".join(lines)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="{NS}">\n'
    return f"{head}{body}\n</CustomField>\n"


COLUMNS = (
    "object",
    "field",
    "label",
    "type",
    "length",
    "external_id",
    "unique",
    "reference_to",
    "values",
)


def _row(d: FieldDef) -> list[str]:
    size = d.length if d.length else (f"{d.precision},{d.scale}" if d.precision else "")
    return [
        d.sobject,
        d.name,
        d.label,
        d.type,
        str(size or ""),
        _yes(d.external_id),
        _yes(d.unique),
        d.reference_to or "",
        ";".join(d.values),
    ]


def sheet_csv(defs: list[FieldDef]) -> str:
    """The field definition sheet as CSV (one row per custom field)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(d) for d in defs)
    return out.getvalue()


def sheet_markdown(defs: list[FieldDef]) -> str:
    """The same sheet as a Markdown table, with the field-level security reminder."""
    lines = [
        "# Salesforce custom fields for the Cliniko migration",
        "",
        "Grant the integration user read and edit on every field below (a permission set with",
        "field permissions): fields created through the Metadata or Tooling API get no field-level",
        "security, and the target cannot see a field it has no access to.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _row(d)) + " |" for d in defs]
    return "\n".join(lines) + "\n"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
