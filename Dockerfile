# Production image: the built SPA and the BFF (and the emulator, for keyless demos).
# Runs as an unprivileged user; `python -m gangway.ops.serve` reads GANGWAY_WORKERS,
# GANGWAY_TRUSTED_PROXIES and GANGWAY_GRACEFUL_SHUTDOWN_SECONDS (README: "Running in production").
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY openapi.json /src/openapi.json
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY backend/ backend/
# A fixed numeric uid, so orchestrators can verify `runAsNonRoot` without reading /etc/passwd.
RUN pip install --no-cache-dir ./backend \
    && groupadd --system --gid 10001 gangway \
    && useradd --system --uid 10001 --gid gangway --no-create-home --shell /usr/sbin/nologin gangway
COPY --from=spa /src/frontend/dist /app/frontend/dist
ENV GANGWAY_FRONTEND_DIST=/app/frontend/dist \
    GANGWAY_WORKERS=1 \
    GANGWAY_TRUSTED_PROXIES=""
USER 10001:10001
# alembic.ini and migrations/ live here: `alembic upgrade head` runs as is (the compose `migrate`).
WORKDIR /app/backend
EXPOSE 8000
STOPSIGNAL SIGTERM
CMD ["python", "-m", "gangway.ops.serve", "--host", "0.0.0.0", "--port", "8000"]
