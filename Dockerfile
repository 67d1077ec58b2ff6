# Production image for Coffer. Debian 13 (trixie) base: its glibc (2.41) loads the
# uWebSockets.js binaries as they are (they need glibc >= 2.38).
FROM node:24-trixie-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY server/ ./server/
COPY shared/ ./shared/
COPY schema/ ./schema/
COPY client/ ./client/
# The browser client (esbuild, a production dependency for this step), served at `/`.
RUN node client/build.ts

ENV NODE_ENV=production PORT=2567

# The embedded database (when DATABASE_URL is unset) keeps its files under /app/data.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 2567
CMD ["node", "server/main.ts"]
