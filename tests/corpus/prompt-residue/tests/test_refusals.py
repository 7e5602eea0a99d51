import pytest

from shop.moderation import looks_like_refusal

REFUSALS = [
    "I'm sorry, but I can't help with that.",
    "As an AI language model, I cannot do that.",
    "I cannot assist with that.",
]

CLEAN = [
    "Your order ships tomorrow.",
    "Certainly! Here's your tracking link.",
]


@pytest.mark.parametrize("text", REFUSALS)
def test_detects_refusals(text):
    assert looks_like_refusal(text)


@pytest.mark.parametrize("text", CLEAN)
def test_ignores_normal_answers(text):
    assert not looks_like_refusal(text)


def test_placeholder_key_rejected():
    with pytest.raises(ValueError):
        looks_like_refusal(None, api_key="YOUR_API_KEY")
