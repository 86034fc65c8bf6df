# syntax=docker/dockerfile:1
# council-digest: the API (`serve`, the default) or the worker (`worker`), compiled.
# Stages: build (all dependencies, `npm run build` -> dist/), deps (production
# dependencies only), and the runtime image, which holds dist/, bin/, templates/,
# migrations/ and seeds/ but no src/, so bin/council-digest.js runs dist/ and
# nothing is transpiled at start-up. It runs as the unprivileged `node` user.
#   docker build -t council-digest .
#   docker run --env-file .env council-digest serve      # or: worker, migrate, seed, ...

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build compiles the emails' MJML into dist/ too, so the processes never load MJML.
COPY templates ./templates
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY templates ./templates
COPY migrations ./migrations
COPY seeds ./seeds
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Readiness of the API: Postgres (and Redis when used) answer. The worker has no
# HTTP API; docker-compose.yml gives it a check of its own.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/council-digest.js"]
CMD ["serve"]
