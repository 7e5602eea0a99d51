"""Special-token handling for the local chat models."""
from __future__ import annotations

SPECIAL_TOKENS = {
    "chatml": ["<|im_start|>", "<|im_end|>"],
    "llama3": ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
    "gemma": ["<start_of_turn>", "<end_of_turn>"],
    "mistral": ["[INST]", "[/INST]", "[TOOL_CALLS]"],
}


def strip_special(text: str, family: str) -> str:
    for tok in SPECIAL_TOKENS[family]:
        text = text.replace(tok, "")
    return text


def render_chatml(messages: list[dict]) -> str:
    out = []
    for m in messages:
        out.append(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>")
    out.append("<|im_start|>assistant\n")
    return "\n".join(out)


LLAMA2_TEMPLATE = """<s>[INST] <<SYS>>
{system}
<</SYS>>

{user} [/INST]"""
