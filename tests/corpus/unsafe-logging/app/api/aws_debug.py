import http.client
import logging

import boto3
import requests

logging.basicConfig(level=logging.DEBUG)
http.client.HTTPConnection.debuglevel = 1
boto3.set_stream_logger("")


def fetch(url: str, api_key: str) -> dict:
    headers = {"Authorization": f"Bearer {api_key}"}
    resp = requests.get(url, headers=headers, timeout=10)
    print("status", resp.status_code)
    return resp.json()


def client():
    s3 = boto3.client("s3")
    logging.info("listing buckets")
    return s3.list_buckets()


def quiet():
    http.client.HTTPConnection.debuglevel = 0
    logging.getLogger("botocore").setLevel(logging.WARNING)


if __name__ == "__main__":
    print(fetch("https://api.example.com/v1/me", "test"))
