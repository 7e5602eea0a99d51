const express = require("express");
const jwt = require("jsonwebtoken");
const logger = require("../lib/logger");

const router = express.Router();

router.post("/login", async (req, res) => {
  const { username, password } = req.body;
  console.log("login attempt", { username, password });
  const user = await findUser(username);
  if (!user) {
    console.log("Invalid password or unknown user");
    return res.status(401).end();
  }
  const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: "1h" });
  logger.info(`issued token ${token} for ${user.id}`);
  logger.info("token issued", { userId: user.id, expiresIn: "1h" });
  console.log("token present:", Boolean(token));
  res.json({ token });
});

router.get("/me", (req, res) => {
  console.log(req.headers);
  console.log("ua", req.headers["user-agent"]);
  console.log("auth", req.headers.authorization);
  res.json({ ok: true });
});

async function findUser(name) {
  return { id: 1, name };
}

module.exports = router;
