import ssl

import pytest
import requests

from payments.client import PaymentsClient


@pytest.fixture
def local_server(httpserver_tls):
    return httpserver_tls.url_for("/")


def test_refund_roundtrip(local_server, monkeypatch):
    # self-signed certificate of the local test server
    resp = requests.get("https://localhost:8443/health", verify=False)
    assert resp.status_code == 200


def test_unverified_context_is_not_used():
    ctx = ssl._create_unverified_context()
    assert ctx.verify_mode == ssl.CERT_NONE


def test_charge(requests_mock):
    requests_mock.post("https://api.payments-provider.example.net/v2/charges", json={"id": "ch_1"})
    client = PaymentsClient("test-key")
    assert client.charge("cus_1", 100)["id"] == "ch_1"


def test_ctx_flags():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    assert not ctx.check_hostname
