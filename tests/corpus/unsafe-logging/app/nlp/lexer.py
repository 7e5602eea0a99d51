"""A small lexer for the query language."""
import logging
import re

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"\s*(?:(\d+)|(\w+)|(.))")


class Token:
    def __init__(self, kind, value):
        self.kind = kind
        self.value = value


def lex(src: str):
    pos = 0
    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if not m:
            break
        num, word, op = m.groups()
        token = Token("num" if num else "word" if word else "op", num or word or op)
        print(token)
        log.debug("token %s", token)
        pos = m.end()
        yield token
