import { apsoFile, type Artifact, text } from '../artifact';

/**
 * apso's own files copied into a standalone project (the platform runtime, the JSON Schema), read
 * from apso's package by the pipeline; none when generating into apso itself.
 */
export const VENDORED_ARTIFACT: Artifact = {
  name: 'vendored',
  files: ({ vendoredFiles }) => [...vendoredFiles].map(([path, content]) => apsoFile(path, text(content))),
};
