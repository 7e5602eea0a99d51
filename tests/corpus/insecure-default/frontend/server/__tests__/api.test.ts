import https from "node:https";
import request from "supertest";
import { createServer } from "../testing/tls-server";

process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

describe("inventory proxy", () => {
  let server: https.Server;

  beforeAll(async () => {
    server = await createServer({ port: 8443 });
  });

  afterAll(() => server.close());

  it("fetches stock through the agent", async () => {
    const agent = new https.Agent({ rejectUnauthorized: false });
    const res = await fetch("https://localhost:8443/stock/abc", { agent } as RequestInit);
    expect(res.status).toBe(200);
  });

  it("sets the session cookie", async () => {
    const res = await request(app).post("/login").send({ email: "a@b.c", password: "pw" });
    expect(res.headers["set-cookie"]).toBeDefined();
  });
});
