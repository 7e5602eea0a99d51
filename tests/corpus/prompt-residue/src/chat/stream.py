"""Streams answers from the local model and cleans them up."""
from __future__ import annotations

import re
from typing import Iterator

STOP = ["<|im_end|>", "<|eot_id|>", "</s>"]
THINK_RE = re.compile(r"<think>.*?</think>", re.S)


def clean(chunk: str) -> str:
    chunk = THINK_RE.sub("", chunk)
    if "</think>" in chunk:
        chunk = chunk.split("</think>", 1)[1]
    for s in STOP:
        chunk = chunk.replace(s, "")
    return chunk.strip()


def stream(chunks: Iterator[str]) -> Iterator[str]:
    buf = []
    for c in chunks:
        if c.endswith("<|im_end|>"):
            break
        buf.append(clean(c))
        yield buf[-1]


def final_answer(chunks: Iterator[str]) -> str:
    return "".join(stream(chunks))
<|im_end|>
