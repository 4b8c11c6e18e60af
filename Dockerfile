# Dockerfile - resmon's API (nginx + resmon-fcgi), and resmond when asked,
# in one non-root container on port 5555 (SPEC §1, §3, §7; README "Docker")
#
#   docker build -t resmon .
#   docker run --rm -p 127.0.0.1:5555:5555 \
#       -v /var/lib/resmon/telemetry:/code/telemetry:ro resmon
#
# BASE is any Debian 12 image: CI passes a debootstrap'd one
# (tests/container.sh builds with `--build-arg BASE=localhost/bookworm-base`).
ARG BASE=debian:bookworm-slim

# ---- swagger: Swagger UI's files, the version package-lock.json pins ------
# swagger-ui-dist is one of package.json's devDependencies, with the test
# tools (playwright-core, redocly): `npm ci --omit=dev` would install
# nothing and `npm ci` all of them, so this installs that one package at
# the locked version and checks it against the lock's integrity hash.
# `make install` (configure --with-swagger-ui) takes the files from here.
FROM $BASE AS swagger
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /swagger
COPY package-lock.json /swagger/
RUN set -e; \
    lock="require('/swagger/package-lock.json').packages['node_modules/swagger-ui-dist']"; \
    version=$(node -p "$lock.version"); \
    npm install --ignore-scripts --no-audit --no-fund \
        --no-save --prefix /swagger/dist "swagger-ui-dist@$version"; \
    node -e "const want = $lock.integrity, got = require( \
        '/swagger/dist/node_modules/.package-lock.json').packages[ \
        'node_modules/swagger-ui-dist'].integrity; \
        if (want !== got) { console.error('swagger-ui-dist: integrity', got, \
        'is not the lock\'s', want); process.exit(1); }"; \
    test -f /swagger/dist/node_modules/swagger-ui-dist/swagger-ui-bundle.js

# ---- build: compile and install into /out ---------------------------------
FROM $BASE AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential autoconf automake libtool pkg-config \
        libcsv-dev libjson-c-dev libgd-dev libfcgi-dev libcmocka-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=swagger /swagger/dist/node_modules/swagger-ui-dist/ \
     /opt/swagger-ui-dist/
WORKDIR /src
COPY . .
# install-strip: the programs without their debug information; Swagger
# UI, openapi.yaml and the dashboard go to /usr/share/resmon.
RUN ./autogen.sh \
 && ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
        --with-swagger-ui=/opt/swagger-ui-dist \
 && make -j"$(nproc)" \
 && make install-strip DESTDIR=/out

# ---- runtime: the programs, nginx and the libraries they load --------------
FROM $BASE
ARG DEBIAN_FRONTEND=noninteractive
# curl: the HEALTHCHECK and resmon-stack's wait for the API; tini: PID 1,
# passes SIGTERM on to resmon-stack and reaps what it orphans.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libcsv3 libjson-c5 libgd3 libfcgi0ldbl fonts-dejavu-core \
        nginx-light tzdata curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 resmon \
 && useradd --system --uid 10001 --gid resmon --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin resmon \
 && install -d -o resmon -g resmon -m 0755 /code /code/telemetry \
        /var/cache/resmon /run/resmon /run/resmon-stack

COPY --from=build /out/usr/bin/ /usr/bin/
COPY --from=build /out/usr/sbin/ /usr/sbin/
COPY --from=build /out/usr/libexec/resmon/ /usr/libexec/resmon/
COPY --from=build /out/usr/share/resmon/ /usr/share/resmon/
# resmon-stack, shared with the quick start, and the files it reads
# beside it: the nginx templates and problem pages, swagger/'s initializer
# and openapi.yaml.
COPY scripts/resmon-stack /usr/share/resmon/stack/scripts/
COPY nginx/ /usr/share/resmon/stack/nginx/
COPY swagger/ /usr/share/resmon/stack/swagger/
RUN ln -s /usr/share/resmon/stack/scripts/resmon-stack /usr/bin/resmon-stack \
 && resmon --version && resmond --version && resmon-fcgi --version \
 && /usr/libexec/resmon/resmon-plot --version && nginx -v

# RESMON_RECORDER=1 runs resmond too; the data folder is then written, and
# resmond sees the container's network unless run with --network host.
ENV TZ=Europe/Samara \
    RESMON_ADDR=0.0.0.0 \
    RESMON_PORT=5555 \
    RESMON_RECORDER=0 \
    RESMON_DATA_DIR=/code/telemetry \
    RESMON_CACHE_DIR=/var/cache/resmon \
    RESMON_RUN_DIR=/run/resmon-stack \
    RESMON_SOCKET=/run/resmon/resmond.sock \
    RESMON_BIN_DIR=/usr/sbin \
    RESMON_SWAGGER_DIR=/usr/share/resmon/swagger \
    RESMON_WEB_DIR=/usr/share/resmon/web \
    RESMON_LOG=stderr

USER resmon
WORKDIR /code
VOLUME /code/telemetry
EXPOSE 5555
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${RESMON_PORT}/api/v1/health" || exit 1
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["resmon-stack", "run"]
