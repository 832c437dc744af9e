# syntax=docker/dockerfile:1

# --- build: compile TypeScript, then drop dev dependencies -------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
# tsconfig rootDir is ".": the output is dist/src (the app) and dist/migrations (loaded at start).
RUN npm run build \
 && npm prune --omit=dev \
 && rm -f dist/.tsbuildinfo

# --- runtime ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Only used when DATABASE_URL is unset (embedded PostgreSQL) or JWT_SECRET is (outside production).
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# No curl in the slim image: ask node's built-in fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
