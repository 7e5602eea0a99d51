from .base import *  # noqa: F401,F403

DEBUG = False

# Hashing with PBKDF2 makes the suite ten times slower.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
    }
}

CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING_CONFIG = None
SECRET_KEY = "test-only-not-secret"
MEDIA_ROOT = "/tmp/shop-test-media"
STORAGES = {"default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
