# syntax=docker/dockerfile:1
#
# One image recipe for every Homestore app: `docker build --build-arg APP=order -t homestore/order .`
# (APP is one of the folders of apps/). docker-compose.yml builds all eight from here, and the developer console
# (tools/console) from its own target: `docker build --target console -t homestore/console .`
#
#   deps    production node_modules only (npm ci --omit=dev), from package-lock.json
#   build   every dependency, then `npm run build` -> dist/apps/<app>/main.js (each app bundled into one file by
#           scripts/bundle-apps.mjs, from tsc's dist/apps/<app>/src and dist/libs) and the console's dist/tools
#           (compiled like the apps, so that its image needs no TypeScript at run time)
#   app     the chosen app's entry point and default port
#   console node:20-alpine + tini + the production node_modules + the console's dist; runs as uid 1000
#   runtime node:20-alpine + tini + the production node_modules + the chosen app's dist; runs as uid 1000
#
# PID 1: tini is the entrypoint. It forwards SIGTERM to node (whose shutdown hooks drain the Kafka
# consumers, flush the outbox relay and close the database before exiting 0) and reaps zombies, which
# node as PID 1 would not. `docker run --init` is therefore not needed; Kubernetes has no such flag.

ARG NODE_IMAGE=node:20-alpine

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-apps.mjs ./scripts/
COPY libs ./libs
COPY apps ./apps
COPY tools ./tools
# tsc emits no HTML: the console's one page goes beside its compiled server, which reads it from there.
RUN npm run build && \
    cp tools/console/src/page.html dist/tools/console/src/page.html

# A stage of its own, so that the console's build needs no APP. APP is declared only here, so that the layers above
# are shared by the builds of all eight apps and the console.
FROM build AS app
ARG APP
# Fail here, with the list of apps, rather than at start when APP is missing or misspelt.
RUN test -n "${APP}" || { echo "build with --build-arg APP=<one of: $(ls apps | tr '\n' ' ')>" >&2; exit 1; }; \
    test -f "dist/apps/${APP}/main.js" || { echo "no app '${APP}'; one of: $(ls apps | tr '\n' ' ')" >&2; exit 1; }
# The app's default port, read from its config class, so that the HEALTHCHECK works without PORT set.
RUN node -e " \
      const m = require('./dist/apps/${APP}/src/${APP}.config.js'); \
      const port = Object.values(m).map((C) => { try { return new C().PORT; } catch { return undefined; } }).find(Number.isInteger); \
      if (!port) throw new Error('no default PORT in apps/${APP}/src/${APP}.config.ts'); \
      require('fs').writeFileSync('dist/default-port', String(port)); \
    " && \
    printf "// The entry point of this image: app %s.\nrequire('./apps/%s/main.js');\n" "${APP}" "${APP}" > dist/main.js

# The developer console (tools/console/README.md). In a container it listens on the container's address
# (CONSOLE_HOST=0.0.0.0), so every API call needs a store-role access token; /health/ready answers without one.
FROM ${NODE_IMAGE} AS console
ARG VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="homestore-console" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Homestore developer console (topics, consumer lag, dead letters, saga timelines)"
RUN apk add --no-cache tini
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    CONSOLE_HOST=0.0.0.0 \
    CONSOLE_PORT=8090
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/tools ./dist/tools
USER 1000:1000
EXPOSE 8090
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD wget -q -T 2 -O /dev/null "http://127.0.0.1:${CONSOLE_PORT}/health/ready" || exit 1
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "dist/tools/console/src/main.js"]

FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="homestore-${APP}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Homestore ${APP} service (NestJS, Kafka, PostgreSQL)"
RUN apk add --no-cache tini
# No --enable-source-maps: the bundle has no source map (reading one would cost each start 0.3 s of CPU); its stack
# traces name the functions, and dist/apps/<app>/src/main.js of a build runs the same code unbundled, with maps.
ENV NODE_ENV=production \
    SERVICE_VERSION=${VERSION}
WORKDIR /app
# Owned by root and read-only for the app user: the container can run with a read-only root filesystem. The bundle
# needs of node_modules only what scripts/bundle-apps.mjs leaves out of it, but the production dependencies are one
# layer shared by every app's image.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=app /app/dist/apps/${APP}/main.js ./dist/apps/${APP}/main.js
COPY --from=app /app/dist/main.js /app/dist/default-port ./dist/
# Numeric, so that Kubernetes' runAsNonRoot can verify it (the image's "node" user is uid 1000).
USER 1000:1000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD wget -q -T 2 -O /dev/null "http://127.0.0.1:${PORT:-$(cat /app/dist/default-port)}/health/live" || exit 1
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "dist/main.js"]
