# syntax=docker/dockerfile:1
# The lead-qualification service as a container image (see docs/deploy.md).
#   docker build -t lead-qualification .
#   docker run --env-file .env -p 3000:3000 -v lq-data:/data lead-qualification
# Three stages: `build` compiles the TypeScript, `deps` installs the production dependencies (and
# compiles better-sqlite3 when no prebuilt binary can be downloaded), `runtime` gets only their
# results: no compiler, no dev dependencies, no sources, a non-root user.

FROM node:20-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-slim AS runtime
# DATABASE_URL: the SQLite file on the /data volume; set a postgres:// URL to use PostgreSQL instead.
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=/data/lq.sqlite
WORKDIR /app
COPY --from=deps /app/package.json /app/package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The official image's unprivileged user (uid 1000) owns only the data directory.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# node:20-slim has no curl or wget: Node's own fetch asks /healthz (always served on PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run at start; `docker compose run --rm app node dist/cli/main.js migrate` runs them alone.
CMD ["node", "dist/main.js"]
