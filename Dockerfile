# tipwire service image. NOT BUILT HERE: the machines this project is developed and tested on have no container
# engine. `npm test` lints this file instead (dockerfile-utils) and checks what can be checked by reading it
# (test/docker/dockerfile.test.ts): a supported Node LTS pinned to a minor version, non-root, volumes, health check.
#
# Build: docker build -t tipwire .
# Run:   docker run -d --name tipwire -p 8080:8080 --stop-timeout 40 \
#          -v tipwire-config:/app/config -v tipwire-data:/app/data -v tipwire-out:/app/out \
#          -e TIPWIRE_BASE_URL=https://news.example.org -e TIPWIRE_SECRET_FILE=/run/secrets/tipwire tipwire
# (README, "Docker"). Node 24 is an LTS line the code is tested on (20, 22 and 24 are); the minor is pinned so a
# rebuild does not move to another Node release unannounced. Move it on purpose, then run the tests.
ARG NODE_IMAGE=node:24.20-trixie-slim

# --- build: native modules (better-sqlite3) compile here if no prebuilt binary fits, and src/ is bundled ---
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# The `prepare` script finds no src/ yet and skips the bundle, so this layer stays cached until the lockfile changes.
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
RUN npm run build

# --- runtime: no compiler, runs as the unprivileged `node` user ---
FROM ${NODE_IMAGE}
# 0.0.0.0: listen on every interface of the container (the port mapping decides who reaches it). Links in feeds and
# e-mails come from TIPWIRE_BASE_URL, never from the listen address: set it to the public address.
ENV NODE_ENV=production \
    TIPWIRE_HOST=0.0.0.0 \
    TIPWIRE_PORT=8080 \
    TIPWIRE_CONFIG_DIR=/app/config \
    TIPWIRE_LOG_PRETTY=0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY templates ./templates
# After src/: the bundle must be newer than the sources, or bin/tipwire.js would compile them at every start.
COPY --from=build /app/dist ./dist
# The shipped config seeds a new named volume; the service user owns it, so edits (and hot reload) work in place.
COPY --chown=node:node config ./config
RUN mkdir -p data out && chown node:node data out
USER node
VOLUME ["/app/config", "/app/data", "/app/out"]
EXPOSE 8080
# Asks the port the configuration gives (TIPWIRE_PORT or server.port), not a hard-coded one.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "bin/tipwire.js", "health"]
# node itself is PID 1: one SIGTERM (docker stop) reaches the service directly and it shuts down cleanly.
CMD ["node", "bin/tipwire.js", "run"]
