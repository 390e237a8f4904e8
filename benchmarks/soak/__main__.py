"""`python -m benchmarks.soak [--seconds S]`: production settings (DEBUG off) behind a pretend
TLS proxy, on PostgreSQL and Redis of the soak's own (see infra.py), set before Django starts."""

import os
import secrets
import sys

import django

from benchmarks.soak import infra

cluster = os.environ.get("SOAK_PG_CLUSTER", "soak")
pg_port = os.environ.get("SOAK_PG_PORT", "5432" if cluster == "main" else "5439")
database = os.environ.get("SOAK_DB", "ilacs_soak")
port = infra.free_port()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",  # the Makefile exports DEBUG=1 for the demo: the soak runs production
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": infra.HOST,
        "SITE_ROOT": f"https://{infra.HOST}:{port}",
        "DATABASE_URL": f"postgres://postgres@{infra.HOST}:{pg_port}/{database}",
        "DB_CONN_MAX_AGE": "60",  # persistent connections, as a production server keeps them
        "REDIS_URL": os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/9"),
        # plain HTTP on the loopback stands for the TLS proxy: cookies cannot be Secure-only
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "SOAK_PG_CLUSTER": cluster,
        "SOAK_PG_PORT": pg_port,
        "SOAK_DB": database,
        "SOAK_PORT": str(port),
    }
)
django.setup()

from benchmarks.soak import run  # noqa: E402 - its modules read models: after django.setup()

sys.exit(run.main(sys.argv[1:]))
