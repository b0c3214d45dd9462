import type { Artifact, ArtifactContext, Owner } from '../render/artifact';
import { ARTIFACTS } from '../render/artifacts';
import { serializeContent } from '../render/serialize';

/** A file as the later stages see it: its content serialized to text, not yet formatted. */
export interface PlannedFile {
  readonly path: string;
  readonly owner: Owner;
  readonly content: string;
  /** A user file that exists already becomes this (package.json gains what the generated code needs). */
  readonly merge?: (current: string) => string;
}

/** Every file of every artifact, serialized, sorted by path. Two artifacts may not claim one path. */
export function planFiles(context: ArtifactContext, artifacts: readonly Artifact[] = ARTIFACTS): PlannedFile[] {
  const claimedBy = new Map<string, string>();
  const files: PlannedFile[] = [];
  for (const artifact of artifacts) {
    for (const file of artifact.files(context)) {
      const claimant = claimedBy.get(file.path);
      if (claimant !== undefined) {
        throw new Error(`artifacts "${claimant}" and "${artifact.name}" both write ${file.path}`);
      }
      claimedBy.set(file.path, artifact.name);
      files.push({ path: file.path, owner: file.owner, content: serializeContent(file.content), merge: file.merge });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
