# digest in a container: `digest schedule` by default, `digest serve` when asked (README: Running in
# production). The image holds no config and no secrets: schedule.toml, templates/ and the SQLite
# store (when used) live in the /data volume, the secrets come from the environment (digest.env).
#
#   docker run -v "$PWD/data:/data" --env-file digest.env IMAGE                  # the scheduler
#   docker run -v "$PWD/data:/data" --env-file digest.env -p 8025:8025 IMAGE serve -c /data/schedule.toml

FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# README.md is the package's long description: pyproject.toml names it.
COPY pyproject.toml constraints.txt README.md ./
COPY digest/ digest/
# The versions the tests ran with (constraints.txt); the postgres extra for a PostgreSQL store.
RUN python -m venv /opt/digest \
    && /opt/digest/bin/pip install --no-cache-dir --constraint constraints.txt ".[postgres]"

FROM python:3.11.14-slim-bookworm
ENV PATH=/opt/digest/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# A fixed UID and GID, so that a bind-mounted ./data can be given to it: chown 10001:10001 data
RUN groupadd --system --gid 10001 digest \
    && useradd --system --uid 10001 --gid digest --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin digest \
    && mkdir /data \
    && chown digest:digest /data \
    && chmod 0700 /data
COPY --from=build /opt/digest /opt/digest
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# `digest serve` listens on [server] port; in a container run it with --host 0.0.0.0.
EXPOSE 8025
# No HEALTHCHECK: the same image runs the scheduler, which has no port to ask. compose.yaml checks
# the server's /healthz with Python's urllib (the image has no curl).
ENTRYPOINT ["digest"]
CMD ["schedule", "-c", "/data/schedule.toml"]
