import type { Request, Response } from "express";
import crypto from "node:crypto";

export function handleWebhook(req: Request, res: Response) {
  console.log("webhook received", JSON.stringify(req.body));
  const sig = req.header("stripe-signature") ?? "";
  const expected = crypto.createHmac("sha256", process.env.WEBHOOK_SECRET ?? "").update(JSON.stringify(req.body)).digest("hex");
  if (sig !== expected) {
    console.warn("bad signature from", req.ip);
    return res.status(400).end();
  }
  console.log(req.method, req.path, res.statusCode);
  res.status(204).end();
}

export const lexer = {
  next(src: string) {
    const token = src.trim().split(/\s+/)[0];
    console.log(token.length);
    return token;
  },
};
