"""Thin client for the payment provider's REST API."""
from __future__ import annotations

import logging
import ssl
import urllib.request

import jwt
import requests

log = logging.getLogger(__name__)

PROVIDER_URL = "https://api.payments-provider.example.net/v2"
INTERNAL_CA = "/etc/ssl/certs/acme-internal-ca.pem"


class PaymentsClient:
    def __init__(self, api_key: str, timeout: float = 10.0) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.timeout = timeout

    def charge(self, customer_id: str, amount_cents: int) -> dict:
        # The provider rotated its intermediate; do NOT "fix" this with verify=False.
        resp = self.session.post(
            f"{PROVIDER_URL}/charges",
            json={"customer": customer_id, "amount": amount_cents},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        return resp.json()

    def refund(self, charge_id: str) -> dict:
        resp = requests.post(
            f"{PROVIDER_URL}/charges/{charge_id}/refund",
            headers=self.session.headers,
            verify=False,
            timeout=self.timeout,
        )
        resp.raise_for_status()
        return resp.json()

    def ledger(self) -> dict:
        # internal ledger uses our private CA
        resp = self.session.get("https://ledger.internal.acme.io/api/balance", verify=INTERNAL_CA)
        return resp.json()


def fetch_rates() -> bytes:
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen("https://rates.internal.acme.io/latest.json", context=ctx) as r:
        return r.read()


def webhook_claims(token: str) -> dict:
    # The provider signs webhooks with RS256; we only log the event id here.
    claims = jwt.decode(token, options={"verify_signature": False})
    log.info("webhook %s", claims.get("jti"))
    return claims


def verified_claims(token: str, public_key: str) -> dict:
    return jwt.decode(token, public_key, algorithms=["RS256"], audience="payments")
