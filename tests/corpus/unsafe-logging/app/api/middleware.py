import json
import logging
import os

from django.http import HttpRequest

log = logging.getLogger("api")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        log.debug("env at startup: %s", dict(os.environ))
        log.info("running in %s", os.environ.get("APP_ENV", "dev"))

    def __call__(self, request: HttpRequest):
        log.debug("headers: %s", request.headers)
        log.info("%s %s", request.method, request.path)
        log.info("ua=%s", request.headers.get("User-Agent"))
        if request.content_type == "application/json":
            log.debug("body=%s", request.body)
        response = self.get_response(request)
        log.info("status %s", response.status_code)
        return response


def dump_settings():
    for key, value in os.environ.items():
        print(f"{key}={value}")
    print(sorted(os.environ.keys()))


def log_auth(request):
    log.info("auth header: %s", request.headers["Authorization"])
    log.info("auth scheme: %s", request.headers.get("Authorization", "").split(" ")[0])
