# The event server as a container image: `docker build -t event-server .`; compose.yaml runs the whole stack.
# No node stage: the browser's socket.io client is committed in static/vendor.

# Build: the locked dependencies (hash-checked) and the package, into a virtualenv the next stage copies.
FROM python:3.13-slim-bookworm AS build
RUN python -m venv /opt/event-server
WORKDIR /src
COPY requirements.txt ./
RUN /opt/event-server/bin/pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml README.md LICENSE CHANGELOG.md ./
COPY event_server ./event_server
COPY templates ./templates
COPY static ./static
RUN /opt/event-server/bin/pip install --no-cache-dir --no-deps .

# Run: no compiler, no build files, not root.
FROM python:3.13-slim-bookworm
RUN useradd --system --no-log-init --uid 10001 --create-home --home-dir /srv/event-server event
COPY --from=build /opt/event-server /opt/event-server
WORKDIR /srv/event-server
# the 2020 meetup as the example; mount your own programme over it, or elsewhere and set PROGRAM
COPY program ./program
ENV PATH=/opt/event-server/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8080 \
    PROGRAM=program/mlart-datafest-2020.yaml \
    DATA_DIR=/srv/event-server/data
RUN mkdir data && chown event data
VOLUME /srv/event-server/data
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=2)"]
CMD ["event-server", "serve"]
