import logging

import pytest

from app.auth.login import app, verify

log = logging.getLogger(__name__)


@pytest.fixture
def client():
    app.config["TESTING"] = True
    with app.test_client() as c:
        yield c


def test_login_rejects_bad_password(client):
    resp = client.post("/login", json={"username": "alice", "password": "hunter2"})
    assert resp.status_code == 401
    log.info("bad password rejected for %s", "alice")


def test_token_shape(client):
    resp = client.post("/login", json={"username": "bob", "password": "hunter2"})
    token = resp.get_json().get("token", "")
    print("token length", len(token))
    print("token", token)
    assert isinstance(token, str)


def test_verify_false():
    assert not verify("nobody", "wrong")
