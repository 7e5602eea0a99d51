import hashlib
import os

from flask import Flask, jsonify, request, session
from flask_cors import CORS

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]
app.config["SESSION_COOKIE_HTTPONLY"] = False
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

CORS(app, supports_credentials=True)

USERS = {}


def hash_password(password: str, salt: str) -> str:
    return hashlib.sha1((salt + password).encode()).hexdigest()


@app.post("/register")
def register():
    data = request.get_json()
    USERS[data["email"]] = hash_password(data["password"], data["email"])
    return jsonify(ok=True)


@app.post("/login")
def login():
    data = request.get_json()
    if USERS.get(data["email"]) == hash_password(data["password"], data["email"]):
        session["user"] = data["email"]
        return jsonify(ok=True)
    return jsonify(ok=False), 401


@app.get("/health")
def health():
    return jsonify(status="ok", debug=app.debug)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)), debug=True)
