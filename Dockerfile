# tipwire service image. Untested here: the development machines have no Docker engine (README, "Docker").
# Build: docker build -t tipwire .   Run: docker run -p 8080:8080 -v tipwire-data:/app/data -v tipwire-out:/app/out tipwire

# --- build stage: native modules (better-sqlite3) compile here, with the toolchain that the runtime image lacks ---
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime stage ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TIPWIRE_HOST=0.0.0.0 \
    TIPWIRE_LOG_PRETTY=0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
COPY templates ./templates
COPY scripts ./scripts
# The install above ran before the sources were here; compile them now (bin/tipwire.js runs dist/tipwire.mjs).
RUN node scripts/build.js
RUN mkdir -p data out && chown -R node:node data out
USER node
VOLUME ["/app/data", "/app/out"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "bin/tipwire.js", "run"]
