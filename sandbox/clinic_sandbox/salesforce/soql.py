"""The SOQL subset targets use: SELECT fields | COUNT() FROM X [WHERE a AND b] [ORDER BY] [LIMIT].

A hand-written tokenizer and parser for exactly that grammar (docs/salesforce-simulator.md);
anything else is MALFORMED_QUERY, as a real org would refuse a query it cannot parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.salesforce.errors import SfError

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>!=|<>|=|,|\(|\))"
    r"|(?P<word>[A-Za-z_][\w.]*))"
)
_KEYWORDS = {"select", "from", "where", "and", "in", "not", "order", "by", "asc", "desc", "limit"}
_UNSUPPORTED = {"or", "like", "offset", "group", "having", "includes", "excludes", "nulls"}


def malformed(message: str) -> SfError:
    return SfError(400, "MALFORMED_QUERY", message)


@dataclass
class Condition:
    field: str
    op: str  # "=", "!=", "in", "not in"
    values: list[Any]

    def test(self, row: dict[str, Any]) -> bool:
        value = row.get(self.field)
        if self.op == "=":
            return value == self.values[0]
        if self.op == "!=":
            return value != self.values[0]
        inside = value in self.values
        return inside if self.op == "in" else not inside


@dataclass
class Query:
    obj: str
    fields: list[str]  # empty for COUNT()
    count: bool = False
    where: list[Condition] = field(default_factory=list)
    order: tuple[str, bool] | None = None  # (field, descending)
    limit: int | None = None

    def referenced(self) -> Iterable[str]:
        yield from self.fields
        yield from (c.field for c in self.where)
        if self.order:
            yield self.order[0]

    def run(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [row for row in rows if all(c.test(row) for c in self.where)]
        if self.order:
            name, descending = self.order
            # Salesforce sorts nulls first ascending, last descending.
            kept.sort(key=lambda r: _sort_key(r.get(name)), reverse=descending)
        return kept[: self.limit] if self.limit is not None else kept


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise malformed(f"unexpected character at position {pos}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos][1].lower() if self.pos < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise malformed("unexpected end of query")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, word: str) -> None:
        if self.take()[1].lower() != word:
            raise malformed(f"expected {word.upper()}")

    def name(self) -> str:
        kind, value = self.take()
        if kind != "word" or value.lower() in _KEYWORDS:
            raise malformed(f"expected a field name near '{value}'")
        if value.lower() in _UNSUPPORTED or "." in value:
            raise malformed(f"'{value}' is not supported by this simulator")
        return value

    def literal(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind == "num":
            return float(value) if "." in value else int(value)
        lowered = value.lower()
        if kind == "word" and lowered in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[lowered]
        raise malformed(f"expected a literal near '{value}'")

    def condition(self) -> Condition:
        name = self.name()
        op = self.take()[1].lower()
        if op in ("=", "!=", "<>"):
            return Condition(name, "=" if op == "=" else "!=", [self.literal()])
        negated = op == "not"
        if negated:
            op = self.take()[1].lower()
        if op != "in":
            raise malformed(f"operator '{op}' is not supported by this simulator")
        self.expect("(")
        values = [self.literal()]
        while self.peek() == ",":
            self.take()
            values.append(self.literal())
        self.expect(")")
        return Condition(name, "not in" if negated else "in", values)

    def parse(self) -> Query:
        self.expect("select")
        fields, count = [], False
        if self.peek() == "count":
            self.take()
            self.expect("(")
            self.expect(")")
            count = True
        else:
            fields.append(self.name())
            while self.peek() == ",":
                self.take()
                fields.append(self.name())
        self.expect("from")
        query = Query(self.name(), fields, count)
        if self.peek() == "where":
            self.take()
            query.where.append(self.condition())
            while self.peek() == "and":
                self.take()
                query.where.append(self.condition())
        if self.peek() == "order":
            self.take()
            self.expect("by")
            name = self.name()
            descending = self.peek() == "desc"
            if self.peek() in ("asc", "desc"):
                self.take()
            query.order = (name, descending)
        if self.peek() == "limit":
            self.take()
            kind, value = self.take()
            if kind != "num" or not value.isdigit():
                raise malformed("LIMIT takes a whole number")
            query.limit = int(value)
        if self.pos != len(self.tokens):
            raise malformed(f"unexpected '{self.tokens[self.pos][1]}'")
        return query


def parse(text: str) -> Query:
    """The parsed query, or MALFORMED_QUERY."""
    return _Parser(text).parse()
