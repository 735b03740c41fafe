# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY jobs ./jobs
COPY config ./config
# Only the product: the developer tools (tools/bench, faults, conformance) stay out of the image.
COPY tools/build ./tools/build
RUN npm run build:product && npm prune --omit=dev

# Runtime stage: production dependencies and compiled output only, as a non-root user.
FROM node:22-bookworm-slim
# MALLOC_MMAP_THRESHOLD_: large buffers go back to the system (src/runtime/malloc-env.ts).
ENV NODE_ENV=production \
    FEEDAGG_CONFIG=/app/config/feedagg.yaml \
    PORT=8080 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config/feedagg.yaml ./config/feedagg.yaml
COPY schemas ./schemas
# The sample config keeps its files next to /app: output in /app/public, and the private
# redis-server's data (only when no REDIS_URL is set) in /app/data/redis.
RUN mkdir -p /app/public /app/data && chown -R node:node /app/public /app/data
USER node
EXPOSE 8080
VOLUME ["/app/public", "/app/data"]
# For `start` (the HTTP server); the compose file turns it off for `worker`, which serves nothing.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["start"]
