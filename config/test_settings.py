"""Test settings: the real settings, with a test key and background jobs run synchronously."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: E402,F403
from config.settings import Q_CLUSTER  # noqa: E402

Q_CLUSTER["sync"] = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# Django's test client signs in without a request, which django-axes needs: the sign-in tests
# (tests/test_sign_in.py) switch it on, as django-axes' documentation advises.
AXES_ENABLED = False
