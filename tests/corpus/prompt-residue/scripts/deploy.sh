```bash
#!/usr/bin/env bash
set -euo pipefail

ENVIRONMENT="${1:-staging}"
IMAGE="registry.example.com/shop/api:${GIT_SHA:-latest}"

log() { printf '[deploy] %s\n' "$*"; }

log "building $IMAGE"
docker build -t "$IMAGE" .
docker push "$IMAGE"

log "rolling out to $ENVIRONMENT"
kubectl --context "$ENVIRONMENT" set image deployment/api api="$IMAGE"
kubectl --context "$ENVIRONMENT" rollout status deployment/api --timeout=120s

# Usage: ./deploy.sh [environment]
for svc in api worker; do
  kubectl --context "$ENVIRONMENT" get deploy "$svc" -o wide
done
```
