# intervyo-mcp over streamable HTTP, stateless, for replicas behind a load balancer that terminates TLS.
# Every request carries its user's own intervyo key (Authorization: Bearer iv_live_... or x-api-key).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY tools ./tools
COPY sandbox ./sandbox
RUN pip install --no-cache-dir . \
    && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin intervyo

USER 10001
# Listen on every interface inside the container; set INTERVYO_ALLOWED_HOSTS to the public host name(s).
ENV INTERVYO_HOST=0.0.0.0 \
    INTERVYO_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['INTERVYO_PORT'], timeout=4)"]
ENTRYPOINT ["intervyo-mcp", "serve", "--transport", "http", "--stateless"]
