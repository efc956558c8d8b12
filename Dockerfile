# One image for the API, the worker and the migration step (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Dev dependencies stay: tsx runs the TypeScript sources directly.
RUN npm ci --include=dev && npm cache clean --force
COPY . .
RUN npx tsx scripts/bundle-workflows.ts dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js HOST=0.0.0.0 PORT=3000
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/main.ts"]
