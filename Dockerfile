# syntax=docker/dockerfile:1
# Written by apso generate (apso's docs/deploy.md). Build: docker build -t apso-example:latest .
# The API: the default command. Migrations: node dist/migrate.js (the migration job).

FROM node:20-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Optional packages are other platforms' builds and native speed-ups with pure-JS fallbacks; omitting
# them also keeps out the compiler, which a runtime package names as an optional peer (devOptional).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# uid 1000; the Kubernetes manifests name it as runAsUser, since the kubelet cannot check a name.
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
