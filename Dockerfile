# syntax=docker/dockerfile:1
# Three images from one file (docker-compose.yml picks the target):
#   runtime         the default: the API, the worker and the migrations as compiled JavaScript, with
#                   production dependencies only and the prebuilt workflow bundle
#   local-services  local-only helpers that need devDependencies (the Twilio-compatible endpoint)
#   build           compiles dist/ (tsc, the migrations, the workflow bundle); nothing runs from it

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency: tsc, and the bundler's dev-time inputs. NODE_ENV stays unset here (production
# would make npm ci skip the devDependencies the build needs).
RUN npm ci && npm cache clean --force
COPY . .
RUN npm run build

# Production dependencies only, and only this machine's build of the Temporal core bridge (the
# package ships five platforms' native libraries, about 140 MB, of which one is loaded).
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force \
 && keep="$(uname -m)-unknown-linux-gnu" \
 && for d in node_modules/@temporalio/core-bridge/releases/*; do [ "${d##*/}" = "$keep" ] || rm -rf "$d"; done

# The Twilio-compatible endpoint (Prism and its recorder) for a try-out without Twilio credentials.
FROM build AS local-services
ENV HOST=0.0.0.0 PORT=4010
USER node
EXPOSE 4010
CMD ["node", "--import", "tsx", "scripts/local-twilio.ts"]

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
# The worker: node --max-old-space-size=128 --max-semi-space-size=2 dist/worker/main.js; migrations: node dist/scripts/migrate.js
CMD ["node", "dist/api/main.js"]
