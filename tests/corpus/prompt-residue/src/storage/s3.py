"""Uploads generated reports to object storage."""
import logging
import os

import boto3

log = logging.getLogger(__name__)

# Replace with your own bucket name
BUCKET = os.environ.get("REPORTS_BUCKET", "your-bucket-name")
REGION = os.environ.get("AWS_REGION", "eu-central-1")


def client():
    return boto3.client("s3", region_name=REGION)


def upload(path: str, key: str) -> str:
    # For simplicity, we'll upload synchronously.
    client().upload_file(path, BUCKET, key)
    log.info("uploaded %s to s3://%s/%s", path, BUCKET, key)
    return f"s3://{BUCKET}/{key}"


def presign(key: str, expires: int = 3600) -> str:
    # Implement your logic here
    raise NotImplementedError


def delete(key: str) -> None:
    # replace the cached listing with the fresh one after deleting
    client().delete_object(Bucket=BUCKET, Key=key)
