import type { DeploymentModel } from '../../../model/deployment';
import type { Model } from '../../../model/types';
import { type Artifact, apsoFile, text } from '../../artifact';
import { secretFiles } from '../k8s/k8s';

/** The Node.js line the project's `engines` names; slim: no compilers or docs in the runtime image. */
export const NODE_IMAGE = 'node:20-slim';

/**
 * One image for the API (the default command) and the migration job (`node dist/migrate.js`).
 * `--ignore-scripts` in both stages: compiling needs no install script, and the root `prepare` of a
 * workspace (apso's own repository builds its generator there) is no part of the service. The
 * runtime stage installs from package-lock.json alone; npm leaves out workspaces that only dev
 * dependencies reach, so the same lines work for a generated project and for apso's repository.
 */
function dockerfile(deployment: DeploymentModel): string {
  return `# syntax=docker/dockerfile:1
# Written by apso generate (apso's docs/deploy.md). Build: docker build -t ${deployment.image} .
# The API: the default command. Migrations: node dist/migrate.js (the migration job).

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Optional packages are other platforms' builds and native speed-ups with pure-JS fallbacks; omitting
# them also keeps out the compiler, which a runtime package names as an optional peer (devOptional).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# uid 1000; the Kubernetes manifests name it as runAsUser, since the kubelet cannot check a name.
USER node
EXPOSE ${deployment.port}
CMD ["node", "dist/main.js"]
`;
}

/** What the build never needs: installed and built output, history, and every secret. */
function dockerignore(model: Model): string {
  return [
    '# Written by apso generate.',
    '.git',
    '**/node_modules',
    '**/dist',
    'test/.tmp',
    '*.log',
    '*.tgz',
    '.env',
    ...secretFiles(model),
    '',
  ].join('\n');
}

export const CONTAINER_ARTIFACT: Artifact = {
  name: 'container',
  files: ({ model }) => [
    apsoFile('Dockerfile', text(dockerfile(model.deployment))),
    apsoFile('.dockerignore', text(dockerignore(model))),
  ],
};
