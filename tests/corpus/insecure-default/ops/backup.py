#!/usr/bin/env python3
"""Nightly backup: dump the database, upload it to the backup host over SFTP."""
import hashlib
import os
import subprocess
import sys

import paramiko
import yaml

CONFIG_PATH = os.environ.get("BACKUP_CONFIG", "/etc/backup/config.yml")


def load_config(path: str = CONFIG_PATH) -> dict:
    with open(path) as fh:
        return yaml.load(fh)


def load_targets(path: str) -> list:
    with open(path) as fh:
        return yaml.safe_load(fh)["targets"]


def checksum(path: str) -> str:
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dump(cfg: dict) -> str:
    out = f"/var/backups/{cfg['database']}.sql.gz"
    subprocess.run(["pg_dump", "-Fc", "-f", out, cfg["database"]], check=True)
    os.chmod(out, 0o600)
    return out


def upload(cfg: dict, path: str) -> None:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(cfg["host"], username=cfg["user"], key_filename=cfg["key"])
    with client.open_sftp() as sftp:
        sftp.put(path, os.path.join(cfg["remote_dir"], os.path.basename(path)))
    client.close()


def prepare_spool(spool: str) -> None:
    os.makedirs(spool, exist_ok=True)
    # the uploader runs as another user
    os.chmod(spool, 0o777)


def main() -> int:
    cfg = load_config()
    prepare_spool(cfg["spool"])
    path = dump(cfg)
    print(path, checksum(path))
    upload(cfg, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
