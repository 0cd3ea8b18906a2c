"""The search language, parsed here so that no user text ever reaches FTS5 as syntax.

    扶贫 产业          both words (AND is implied; ``AND`` may be written)
    扶贫 OR 脱贫       either
    扶贫 -广告         the first, not the second (``NOT 广告`` alike)
    "乡村振兴 示范"    the words next to each other, in this order
    (扶贫 OR 脱贫) 产业 grouping
    振兴*              the same as 振兴: every term already matches inside longer words

Whatever cannot be searched is refused with a ``QueryError`` saying why, rather than
quietly finding nothing: an empty query, a lone NOT, a wildcard inside a word, an
unclosed quote or parenthesis, a term with no letters or digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

OPERATORS = ("AND", "OR", "NOT")


class QueryError(ValueError):
    """A query that cannot be searched; the message says what to write instead."""


@dataclass(frozen=True)
class Term:
    text: str  # a word, or a phrase with its words joined


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class AllOf:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple[Node, ...]


Node = Term | Not | AllOf | AnyOf

_LEXEME = re.compile(r'\s*(?:(-?)"([^"]*)("?)\*?|([()])|([^\s"()]+))')


def _lex(query: str) -> list[tuple[str, str]]:
    """(kind, value) pairs: term, op, open, close, not."""
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        match = _LEXEME.match(query, position)
        if match is None or match.end() == position:  # only trailing whitespace is left
            break
        position = match.end()
        negated, phrase, closed, paren, word = match.groups()
        if phrase is not None:
            if not closed:
                raise QueryError('a quote is not closed: write the phrase as "乡村振兴 示范"')
            if not phrase.strip():
                raise QueryError('"" is empty: put the words of the phrase between the quotes')
            if negated:
                out.append(("not", "-"))
            out.append(("term", "".join(phrase.split())))
        elif paren:
            out.append(("open" if paren == "(" else "close", paren))
        elif word in OPERATORS:
            out.append(("op", word))
        else:
            if word.startswith("-") and len(word) > 1:
                out.append(("not", "-"))
                word = word[1:]
            body = word.rstrip("*")
            if "*" in body or not body:
                raise QueryError(
                    f"{word}: * may only end a term (振兴*), and then changes nothing, "
                    "since every term matches inside longer words; wildcards inside a "
                    "term are not supported"
                )
            out.append(("term", body))
    return out


class _Parser:
    def __init__(self, lexemes: list[tuple[str, str]]) -> None:
        self.lexemes = lexemes
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def take(self) -> tuple[str, str]:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def any_(self) -> Node:
        nodes = [self.all_()]
        while self.peek() == ("op", "OR"):
            self.take()
            if self.peek() is None or self.peek()[0] in ("close", "op"):  # type: ignore[index]
                raise QueryError("OR needs a term on each side: 扶贫 OR 脱贫")
            nodes.append(self.all_())
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def all_(self) -> Node:
        nodes: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme[0] != "close":
            if lexeme == ("op", "OR"):
                if not nodes:
                    raise QueryError("OR needs a term on each side: 扶贫 OR 脱贫")
                break
            if lexeme == ("op", "AND"):
                self.take()
                if not nodes or self.peek() is None:
                    raise QueryError("AND needs a term on each side: 扶贫 AND 产业")
                continue
            nodes.append(self.unary())
        if not nodes:
            raise QueryError("empty parentheses or a missing term")
        return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))

    def unary(self) -> Node:
        kind, value = self.take()
        if kind == "not" or (kind, value) == ("op", "NOT"):
            if self.peek() is None or self.peek()[0] in ("close", "op"):  # type: ignore[index]
                raise QueryError("NOT (or -) needs a term after it: 扶贫 -广告")
            return Not(self.unary())
        if kind == "open":
            node = self.any_()
            if self.peek() != ("close", ")"):
                raise QueryError("a parenthesis is not closed")
            self.take()
            return node
        if kind == "close":
            raise QueryError("a ) has no matching (")
        return Term(value)


def parse(query: str) -> Node:
    """The query as a tree; raises QueryError for anything that cannot be searched."""
    lexemes = _lex(query)
    if not lexemes:
        raise QueryError("the query is empty: give a word to search for")
    parser = _Parser(lexemes)
    node = parser.any_()
    if parser.peek() is not None:
        raise QueryError("a ) has no matching (")
    return node


def positive_terms(node: Node) -> list[str]:
    """The terms a hit can contain (those under NOT excluded), for highlighting."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Not):
        return []
    return [t for child in node.nodes for t in positive_terms(child)]


def to_fts(node: Node, phrase: Callable[[str], str | None]) -> str:
    """The FTS5 expression for ``node``, each term written by ``phrase`` (None: the term
    has nothing an index could match)."""
    if isinstance(node, Term):
        written = phrase(node.text)
        if written is None:
            raise QueryError(f"{node.text}: has no letters or digits to search for")
        return written
    if isinstance(node, Not):
        raise QueryError("NOT (or -) only excludes: add a term to search for, e.g. 扶贫 -广告")
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(to_fts(child, phrase) for child in node.nodes) + ")"
    wanted = [child for child in node.nodes if not isinstance(child, Not)]
    unwanted = [child.node for child in node.nodes if isinstance(child, Not)]
    if not wanted:
        raise QueryError("NOT (or -) only excludes: add a term to search for, e.g. 扶贫 -广告")
    expression = "(" + " AND ".join(to_fts(child, phrase) for child in wanted) + ")"
    if unwanted:
        expression += " NOT (" + " OR ".join(to_fts(child, phrase) for child in unwanted) + ")"
    return expression
