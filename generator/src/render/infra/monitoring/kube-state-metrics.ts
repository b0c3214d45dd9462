import { series } from './promql';

/**
 * kube-state-metrics' series of a HorizontalPodAutoscaler (its v2 names). They are not the platform's
 * (the cluster exports them), so they are listed here rather than in metric-names.ts; they exist only
 * in Kubernetes, which is why the panels and rules that read them stand apart.
 */
export const HPA_METRICS = {
  currentReplicas: 'kube_horizontalpodautoscaler_status_current_replicas',
  desiredReplicas: 'kube_horizontalpodautoscaler_status_desired_replicas',
  minReplicas: 'kube_horizontalpodautoscaler_spec_min_replicas',
  maxReplicas: 'kube_horizontalpodautoscaler_spec_max_replicas',
} as const;

/** kube-state-metrics names the autoscaler in this label, beside `namespace`. */
const HPA_LABEL = 'horizontalpodautoscaler';

/** The series of one HPA measure for the autoscaler named `hpa`, in any namespace. */
export function hpaSeries(measure: keyof typeof HPA_METRICS, hpa: string): string {
  return series(HPA_METRICS[measure], { [HPA_LABEL]: hpa });
}

/** The labels that identify one autoscaler across its measures (for `on (…)` matching). */
export const HPA_IDENTITY = ['namespace', HPA_LABEL] as const;
