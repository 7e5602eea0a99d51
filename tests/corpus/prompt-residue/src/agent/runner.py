<think>
The user wants a runner that executes tool calls in order.
</think>
"""Runs agent tool calls sequentially."""
from __future__ import annotations

import json
import subprocess

TOOLS = {"shell": lambda args: subprocess.run(args["cmd"], shell=False, capture_output=True, text=True).stdout}


def run(calls: list[dict]) -> list[str]:
    out = []
    for call in calls:
        fn = TOOLS[call["name"]]
        out.append(fn(call["arguments"]))
    return out


def parse(raw: str) -> list[dict]:
    start = raw.find("<tool_call>")
    end = raw.find("</tool_call>")
    return json.loads(raw[start + len("<tool_call>"):end])
<tool_call>
{"name": "shell", "arguments": {"cmd": ["ls"]}}
</tool_call>
    return results<|eot_id|>
