import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { PRE_STOP_SECONDS } from '../environment';

/**
 * The restricted Pod Security Standard, for a pod whose image runs as `uid`. The uid is numeric
 * because the kubelet cannot check `runAsNonRoot` against a user name (`USER node` in the image).
 */
export function podSecurity(uid: number): IPodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

export const CONTAINER_SECURITY: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** The root filesystem is read-only; node (os.tmpdir()) and PgBouncer (its Unix socket) write here. */
export const TMP_VOLUME: IVolume = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
export const TMP_MOUNT: IVolumeMount = { name: 'tmp', mountPath: '/tmp' };

/**
 * Keeps a stopping pod serving until endpoints and load balancers have dropped it: Kubernetes
 * signals the process only after this returns.
 */
export const PRE_STOP: IContainer['lifecycle'] = {
  preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } },
};

/** A rolling update that starts a new pod before stopping an old one: never below capacity. */
export const SURGE_ONLY = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } as const;
