"""Production: DEBUG off, secrets required, static files compressed and served by WhiteNoise.

HTTPS comes in one of two ways (docs/deploy.md):
- BEHIND_PROXY=true: a reverse proxy (deploy/nginx/kesutong.conf) terminates TLS and says so
  in X-Forwarded-Proto. Only then is that header trusted: without a proxy that overwrites it,
  any client could claim to be on HTTPS.
- gunicorn serves HTTPS itself (GUNICORN_CMD_ARGS="--certfile ... --keyfile ...").
INSECURE_PLAIN_HTTP=true switches off every HTTPS protection at once, for a trial on a LAN.
"""

import logging
import os
from pathlib import Path

from whitenoise.compress import Compressor

os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SITE_URL, STATIC_ROOT, env
from .deploy import register_deploy_checks, trusted_origins

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(STATIC_ROOT)))
# Hashed names (app.3f2a….css) are cached for a year, marked immutable; other files 60 s.
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=60)
# Source maps are fetched by developer tools only: served as they are, never compressed
# (gzip and brotli of Swagger UI's maps were a third of the build's time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
INSECURE_PLAIN_HTTP = env.bool("INSECURE_PLAIN_HTTP", default=False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # healthchecks speak plain HTTP from inside
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

if INSECURE_PLAIN_HTTP:
    # One switch, never the default: cookies travel in clear text and passwords can be read
    # by anyone on the network. For trying the production settings on a LAN only.
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_HSTS_PRELOAD = False
    logging.getLogger("config.settings").warning(
        "\n%s\nINSECURE_PLAIN_HTTP=true: no HTTPS redirect, no Secure cookies, no HSTS.\n"
        "Passwords and sessions cross the network in clear text. Use this for a LAN trial only;\n"
        "unset it and put the site behind HTTPS (docs/deploy.md) before real use.\n%s",
        "!" * 78,
        "!" * 78,
    )
else:
    # Set SECURE_SSL_REDIRECT=false only when the proxy itself redirects http:// to https://.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)


CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=trusted_origins(SITE_URL, ALLOWED_HOSTS, "http" if INSECURE_PLAIN_HTTP else "https"),
)


register_deploy_checks(site_url=SITE_URL, plain_http=INSECURE_PLAIN_HTTP)
