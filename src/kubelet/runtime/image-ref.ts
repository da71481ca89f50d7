// Image names as containerd's CRI plugin stores them (docker reference rules, as in
// github.com/distribution/reference ParseNormalizedNamed + TagNameOnly):
//   busybox            → docker.io/library/busybox:latest
//   me/app:1           → docker.io/me/app:1
//   127.0.0.1:5000/x   → 127.0.0.1:5000/x:latest
//   k8ts.local/pause@sha256:… stays as it is.

/** The fully qualified name of an image reference (adds docker.io/library and :latest). */
export function normalizeImageRef(ref: string): string {
  let name = ref;
  let suffix = "";
  const at = name.indexOf("@");
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  }
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasDomain) name = `docker.io/${slash >= 0 ? name : `library/${name}`}`;
  else if (first === "index.docker.io") name = `docker.io${name.slice(first.length)}`;
  const lastSlash = name.lastIndexOf("/");
  const hasTag = name.slice(lastSlash + 1).includes(":");
  if (!hasTag && !suffix) name += ":latest";
  return name + suffix;
}
