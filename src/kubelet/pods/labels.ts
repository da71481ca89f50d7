// Labels and annotations the kubelet puts on sandboxes and containers, upstream's names
// (pkg/kubelet/types/labels.go, kuberuntime/labels.go): they are how an agent that
// restarts finds its pods' sandboxes and containers again.
export const podNameLabel = "io.kubernetes.pod.name";
export const podNamespaceLabel = "io.kubernetes.pod.namespace";
export const podUidLabel = "io.kubernetes.pod.uid";
export const containerNameLabel = "io.kubernetes.container.name";
export const containerRestartCountAnnotation = "io.kubernetes.container.restartCount";
export const terminationMessagePathAnnotation = "io.kubernetes.container.terminationMessagePath";
export const terminationMessagePolicyAnnotation = "io.kubernetes.container.terminationMessagePolicy";
export const gracePeriodAnnotation = "io.kubernetes.pod.terminationGracePeriod";
/** Which kind of container: "init" or "app" (k8ts). */
export const containerTypeAnnotation = "k8ts.io/container-type";
