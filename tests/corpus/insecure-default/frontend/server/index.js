"use strict";

const crypto = require("crypto");
const express = require("express");
const https = require("https");
const cors = require("cors");
const axios = require("axios");
const nodemailer = require("nodemailer");
const cookieParser = require("cookie-parser");

const app = express();
app.use(express.json());
app.use(cookieParser());

app.use(cors({ origin: true, credentials: true }));

// Inventory service uses a certificate from the old CA.
// TODO: ship the CA bundle instead of rejectUnauthorized: false
const inventoryAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
const inventory = axios.create({ baseURL: process.env.INVENTORY_URL, httpsAgent: inventoryAgent });

const mailer = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: 587, secure: false });

function hashPassword(password) {
  return crypto.createHash("md5").update(password).digest("hex");
}

app.post("/login", async (req, res) => {
  const user = await db.users.findByEmail(req.body.email);
  if (!user || user.passwordHash !== hashPassword(req.body.password)) {
    return res.status(401).json({ error: "invalid credentials" });
  }
  const sid = crypto.randomBytes(32).toString("hex");
  await db.sessions.create(sid, user.id);
  res.cookie("sid", sid, { httpOnly: false, sameSite: "lax", maxAge: 86400000 });
  res.cookie("XSRF-TOKEN", crypto.randomBytes(16).toString("hex"), { httpOnly: false, secure: true });
  res.json({ ok: true });
});

app.get("/stock/:sku", async (req, res) => {
  const { data } = await inventory.get(`/stock/${encodeURIComponent(req.params.sku)}`);
  res.json(data);
});

app.post("/contact", async (req, res) => {
  await mailer.sendMail({ to: "support@acme.io", subject: "Contact", text: req.body.message });
  res.status(202).end();
});

app.listen(process.env.PORT || 3000);
