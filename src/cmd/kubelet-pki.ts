import { apiserverKubeletClientCN } from "../kubelet/index.js";
import { issueClientCertificate, issueServingCertificate, readUsablePair, servingSans, subjectAltNames, writeCertKeyPair, type CertKeyPair, type Pki } from "./pki.js";

/**
 * The certificates of the API server ↔ kubelet hop, in DATA_DIR/pki beside the others:
 *   apiserver-kubelet-client.crt/.key  CN=kube-apiserver-kubelet-client, O=system:masters
 *                                      (kubeadm's name): the only caller the kubelet accepts
 *   kubelet.crt/.key                   the local agent's serving certificate (port 10250)
 * Reused while valid; issued again by the cluster CA otherwise.
 */
export async function ensureKubeletPki(pki: Pki, options: { nodeName: string; nodeIP?: string }): Promise<{ apiserverClient: CertKeyPair; kubeletServing: CertKeyPair }> {
  let apiserverClient = await readUsablePair(pki.dir, "apiserver-kubelet-client", pki.ca);
  if (!apiserverClient) {
    apiserverClient = await issueClientCertificate(pki.ca, { commonName: apiserverKubeletClientCN, organizations: ["system:masters"] });
    await writeCertKeyPair(pki.dir, "apiserver-kubelet-client", apiserverClient);
  }
  const sans = servingSans({ bindAddress: "0.0.0.0", hostname: options.nodeName, extraSans: options.nodeIP ? [options.nodeIP] : [] });
  let kubeletServing = await readUsablePair(pki.dir, "kubelet", pki.ca);
  if (!kubeletServing || !sans.every((n) => subjectAltNames(kubeletServing!.cert).includes(n))) {
    kubeletServing = await issueServingCertificate(pki.ca, { commonName: `system:node:${options.nodeName}`, sans });
    await writeCertKeyPair(pki.dir, "kubelet", kubeletServing);
  }
  return { apiserverClient, kubeletServing };
}

