// Certainly! Here's the updated handler with pagination support.
import type { Request, Response } from "express";
import { listOrders, countOrders } from "../db/orders";

export interface Page<T> {
  items: T[];
  total: number;
  next?: string;
}

const DEFAULTS = { limit: 50, offset: 0 };

export async function getOrders(req: Request, res: Response) {
  const { limit, offset, ...rest } = { ...DEFAULTS, ...req.query };
  const items = await listOrders({ limit: Number(limit), offset: Number(offset), ...rest });
  const total = await countOrders(rest);
  const page: Page<unknown> = { items, total };
  res.json(page);
}

export async function getOrder(req: Request, res: Response) {
  // ... rest of the code remains the same
}

// Renders a markdown snippet for the API explorer.
export function snippet(path: string): string {
  return `\`\`\`bash
curl -s https://api.example.com${path}
\`\`\``;
}

export function merge(...parts: object[]) {
  // merge defaults with ...rest of the options
  return Object.assign({}, ...parts);
}
