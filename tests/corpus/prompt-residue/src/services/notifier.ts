import crypto from "node:crypto";

// Here is the complete implementation of the Slack notifier.
const SLACK_TOKEN = process.env.SLACK_TOKEN ?? "<your-slack-bot-token>";
const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET || "replace-with-your-webhook-secret";
const FALLBACK_URL = "https://<your-workspace>.slack.com/api/chat.postMessage";

export interface Notice {
  channel: string;
  text: string;
}

export function sign(body: string): string {
  return crypto.createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex");
}

export async function notify(n: Notice): Promise<void> {
  // Adjust the retry count according to your needs
  const res = await fetch(FALLBACK_URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${SLACK_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(n),
  });
  if (!res.ok) {
    // Placeholder implementation
    throw new Error(`slack: ${res.status}`);
  }
}

export function placeholderText(): string {
  // placeholder text shown in the compose box
  return "Type a message";
}
