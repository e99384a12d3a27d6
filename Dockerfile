# syntax=docker/dockerfile:1
# HandyWriterz: one image for every role (web, worker, beat, flower, migrate); the compose file
# picks the command. Build: docker build -t handywriterz:latest .

# --- build: compile wheels and install the pinned requirements into a virtualenv --------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
# A compiler for any requirement without a wheel for this platform; it stays in this stage.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-compile -r /tmp/requirements.txt

# --- runtime: the virtualenv and the code, run as an unprivileged user -------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=handywriterz.settings \
    MEDIA_ROOT=/data/media \
    WEB_PORT=8000
# What the app needs of Debian at run time: WeasyPrint's pango and the fonts exports use, and
# the word list that tells proper nouns in titles (scripts/system.sh installs the same).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz0b fonts-liberation fonts-dejavu-core wbritish \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown app:app /data/media
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=app:app manage.py ./
COPY --chown=app:app handywriterz ./handywriterz
COPY --chown=app:app apps ./apps
COPY --chown=app:app templates ./templates
COPY --chown=app:app static ./static
# Static files are collected (hashed, compressed) into the image; WhiteNoise serves them. The
# settings need a SECRET_KEY to load with DEBUG off: this one exists only for this command.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput -v0
USER 10001:10001
VOLUME ["/data/media"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "handywriterz.healthcheck"]
CMD ["sh", "-c", "exec daphne --proxy-headers -e \"tcp:port=$WEB_PORT:interface=0.0.0.0:backlog=${WEB_BACKLOG:-4096}\" handywriterz.asgi:application"]
