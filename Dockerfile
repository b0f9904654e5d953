# takedown-archiver image with every feature: the daemon, the review desk, DISARM technique
# suggestions, STIX/MISP exports, browser capture (Playwright driving Debian's chromium) and
# the PostgreSQL client (psql, pg_dump) and driver. DISARM's framework data ships inside the
# package (the pinned snapshot); `takedowns disarm update` fetches a newer one into /data.
# The install is deploy/install.sh, the script CI runs on the same wheel
# (tests/packaging/check_installed.sh). Daemon + desk + PostgreSQL: deploy/compose.yaml.
#   docker build -t takedowns .
#   docker run -d --name takedowns -v takedowns-data:/data \
#     -e WAYBACK_ACCESS_KEY -e WAYBACK_SECRET_KEY --stop-timeout 60 takedowns
#   docker exec takedowns takedowns status
# The data folder (catalogue, WARC/WACZ files, stubs, config.toml) is the /data volume; a
# default config is copied there on first start: edit /data/config.toml to choose sources.
# Review desk (curators' web page, port 8765): in /data/config.toml set [web] enabled = true
# and host = "0.0.0.0" (inside the container: the published port is the real boundary), then
#   export TAKEDOWNS_WEB_TOKEN=$(openssl rand -hex 24)     # >= 16 chars; never in config.toml
#   docker run ... -e TAKEDOWNS_WEB_TOKEN -p 127.0.0.1:8765:8765 takedowns
# Off loopback the desk refuses to start without the token ([web] token_env names the
# variable); every request then needs it as the HTTP Basic password (any user) or a Bearer
# token. Publish the port on the host's loopback only, and reach it either by an SSH tunnel
# (ssh -L 8765:127.0.0.1:8765 host) or through a TLS reverse proxy on the host that passes
# the browser's Host header (nginx: proxy_set_header Host $host;), since POSTs whose Origin
# does not match Host are refused, and that keeps the Authorization header.

# Stage 1: the wheel, exactly as `python -m build` makes it for PyPI.
FROM python:3.12-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir 'build>=1.2'
COPY pyproject.toml README.md LICENSE ./
COPY scraper ./scraper
COPY archive ./archive
RUN python -m build --wheel --outdir /dist

# Stage 2: the wheel with every extra, plus Debian's chromium and postgresql-client.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TAKEDOWNS_CONFIG=/data/config.toml

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin takedowns

COPY deploy/install.sh /usr/local/bin/takedowns-install
COPY --from=build /dist/ /tmp/dist/
RUN takedowns-install --system-packages python /tmp/dist/*.whl \
    && rm -rf /tmp/dist \
    && mkdir -p /data /usr/share/takedowns \
    && chown takedowns:takedowns /data
# The shipped config, with the data folder set to the volume itself.
COPY config.toml /usr/share/takedowns/config.toml
RUN sed -i 's|^dir = "data"|dir = "/data"|' /usr/share/takedowns/config.toml
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

USER takedowns
VOLUME ["/data"]
EXPOSE 8765

# SIGTERM -> graceful stop within [daemon] grace_seconds (30 s by default): give
# `docker stop` more than that (--stop-timeout 60, or stop_grace_period in compose).
STOPSIGNAL SIGTERM
# Unhealthy when a source has failed for longer than [daemon] failing_threshold_hours.
HEALTHCHECK --interval=5m --timeout=60s --start-period=2m --retries=1 \
    CMD ["takedowns", "status"]

ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["takedowns", "--log-format", "json", "run"]
