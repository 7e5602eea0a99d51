#!/bin/sh
# Prepares a self-hosted CI runner VM.
set -eu

apt-get update
apt-get install -y --no-install-recommends docker.io jq

# Expose the daemon to the build controller on the management network
mkdir -p /etc/systemd/system/docker.service.d
cat > /etc/systemd/system/docker.service.d/override.conf <<EOF
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375
EOF
systemctl daemon-reload
systemctl restart docker

umask 000
mkdir -p /srv/runner/cache

docker run -d --restart=always --name buildkit --privileged moby/buildkit:v0.12.5
docker run -d --restart=always --name metrics -p 9100:9100 prom/node-exporter:v1.7.0

export ANSIBLE_HOST_KEY_CHECKING=False
ansible-playbook -i inventory/runners playbooks/runner.yml
