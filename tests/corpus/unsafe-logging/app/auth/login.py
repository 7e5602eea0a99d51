"""Login flow for the web app."""
import hashlib
import logging

from flask import Flask, request, jsonify

app = Flask(__name__)
logger = logging.getLogger(__name__)


def verify(username: str, password: str) -> bool:
    digest = hashlib.sha256(password.encode()).hexdigest()
    logger.debug("checking digest %s for %s", digest[:8], username)
    return digest == lookup(username)


@app.post("/login")
def login():
    data = request.get_json()
    username = data["username"]
    password = data["password"]
    logger.info("Login attempt for %s with password %s", username, password)
    if not verify(username, password):
        logger.warning("Invalid password for user %s", username)
        return jsonify(error="invalid credentials"), 401
    token = issue_token(username)
    print(f"issued token={token}")
    logger.info("password present: %s", password is not None)
    logger.info("issued token for %s (len=%d)", username, len(token))
    return jsonify(token=token)


def lookup(username):
    return ""


def issue_token(username):
    return hashlib.sha1(username.encode()).hexdigest()
