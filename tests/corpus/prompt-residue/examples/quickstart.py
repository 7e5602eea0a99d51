"""Quickstart: send one chat request.

Run with:  python examples/quickstart.py
"""
from openai import OpenAI

# Replace with your actual API key
client = OpenAI(api_key="YOUR_OPENAI_API_KEY")
AZURE = "https://your-resource-name.openai.azure.com/"
BUCKET = "your-bucket-name"

# For simplicity, we'll print the answer directly.
resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Say hello"}],
)
print(resp.choices[0].message.content)

# Your code here
# ... rest of the code remains the same
