"""Tokenization and usage accounting for the summarizer."""
import logging

from transformers import AutoTokenizer

logger = logging.getLogger(__name__)
tokenizer = AutoTokenizer.from_pretrained("gpt2")


def summarize(text: str, client) -> str:
    ids = tokenizer.encode(text)
    logger.info("prompt has %d tokens", len(ids))
    print("eos token:", tokenizer.eos_token)
    resp = client.complete(text, max_tokens=256)
    logger.info("usage: %s tokens", resp.usage.total_tokens)
    print(f"used {resp.usage.completion_tokens} completion tokens")
    return resp.text


def paginate(client):
    page_token = None
    while True:
        page = client.list(page_token=page_token)
        logger.debug("next page token: %s", page.next_page_token)
        if not page.next_page_token:
            break
        page_token = page.next_page_token
    print("done, next_token", page.next_page_token)
