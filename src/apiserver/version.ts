/**
 * The `/version` answer (k8s.io/apimachinery/pkg/version.Info). k8ts speaks the API of
 * Kubernetes 1.35, so clients' version checks and skew warnings see 1.35.
 */
export interface VersionInfo {
  major: string;
  minor: string;
  emulationMajor: string;
  emulationMinor: string;
  minCompatibilityMajor: string;
  minCompatibilityMinor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

const archNames: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

export function versionInfo(overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    major: "1",
    minor: "35",
    emulationMajor: "1",
    emulationMinor: "35",
    minCompatibilityMajor: "1",
    minCompatibilityMinor: "34",
    gitVersion: "v1.35.0-k8ts",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    // There is no Go here; report the runtime that plays its part.
    goVersion: `node${process.versions.node}`,
    compiler: "tsc",
    platform: `${process.platform}/${archNames[process.arch] ?? process.arch}`,
    ...overrides,
  };
}
