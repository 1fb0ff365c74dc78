# syntax=docker/dockerfile:1
# Slotline: multi-stage build on Node 22 LTS. Final image: production dependencies only, non-root.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
WORKDIR /app
COPY remix.config.js tsconfig.json remix.env.d.ts ./
COPY app ./app
COPY public ./public
RUN npx remix build

FROM node:22-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/build ./build
COPY --from=build --chown=root:root /app/public ./public
COPY --chown=root:root package.json server.mjs ./
COPY --chown=root:root supabase ./supabase
COPY --chown=root:root scripts/migrate.mjs ./scripts/migrate.mjs
# The embedded database (when DATABASE_URL is not set) lives here; mount a volume to keep it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run at start-up (and can be run alone with `node scripts/migrate.mjs`).
CMD ["node", "server.mjs"]
