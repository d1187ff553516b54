# Production image: the built SPA and the BFF (and the emulator, for keyless demos).
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
RUN pip install --no-cache-dir ./backend && useradd --system gangway
COPY --from=spa /src/frontend/dist /app/frontend/dist
ENV GANGWAY_FRONTEND_DIST=/app/frontend/dist
USER gangway
WORKDIR /app/backend
EXPOSE 8000
CMD ["uvicorn", "gangway.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
