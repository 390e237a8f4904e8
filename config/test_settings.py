"""Test settings: the real settings, with a test key and background jobs run synchronously."""

import atexit
import glob
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: E402,F403
from config.settings import CACHES, DATABASES, Q_CLUSTER  # noqa: E402

Q_CLUSTER["sync"] = True
# `make test` runs the suite in parallel processes (pytest-xdist); on a shared Redis each one
# keeps its own job queue (the real-worker tests' qcluster is given the same name) and cache keys.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER:
    Q_CLUSTER["name"] = f"ilacs-{_XDIST_WORKER}"
    CACHES["default"]["KEY_PREFIX"] = _XDIST_WORKER
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
# The real-worker tests (tests/test_worker_real.py) run `qcluster` in another process, which must
# open the same test database: on SQLite a file, not Django's in-memory default. One name per test
# process, so two runs in one checkout never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _TEST_DB = os.path.join(tempfile.gettempdir(), f"ilacs-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DB}

    @atexit.register
    def _remove_test_db_files() -> None:
        # Django deletes the database file; the WAL files beside it (config/settings.py) go too
        for name in glob.glob(f"{glob.escape(_TEST_DB)}*"):
            os.remove(name)
