# One runtime image for web, worker, beat and the one-shot migrate; each runs a bin/ script,
# the same ones the README uses outside Docker.
# Stage 1: install the runtime lock (requirements.txt) into a virtualenv.
FROM python:3.11-slim-bookworm AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# Stage 2: the runtime, without pip's caches or build tools.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH KST_PYTHON=/opt/venv/bin/python \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_BIND=0.0.0.0:8000 MEDIA_ROOT=/app/media BACKUP_DIR=/app/backups \
    BEAT_SCHEDULE=/tmp/celerybeat/schedule
# curl for the healthcheck; the PostgreSQL client (15, as the database) for bin/backup;
# pango, harfbuzz and the Noto CJK fonts for WeasyPrint's Chinese PDF reports (insight/).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl postgresql-client \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY . .
# Translations and static files are built into the image (bin/build needs no database).
RUN SECRET_KEY=build-only bin/build
# The code stays root-owned and read-only to the app; only media and backups are writable.
RUN useradd --system --create-home --uid 10001 app \
 && mkdir -p /app/media /app/backups \
 && chown app:app /app/media /app/backups
USER app
EXPOSE 8000
CMD ["bin/web"]
