/**
 * The outcome of one plugin at one extension point, as the framework's Status
 * (pkg/scheduler/framework/interface.go). `Unschedulable` means "not now, but a change in
 * the cluster (or preemption) may help"; `UnschedulableAndUnresolvable` means "no retry or
 * preemption helps on this node". `Skip` from PreFilter/PreScore means "nothing to do for
 * this pod": the plugin's Filter/Score are then not run.
 */
export type StatusCode = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Error" | "Skip";

export interface Status {
  readonly code: StatusCode;
  /** Upstream's reason strings; the FitError histogram counts each one. */
  readonly reasons: readonly string[];
  /** The plugin that produced a failure (filled in by the framework). */
  readonly plugin?: string;
}

export const success: Status = Object.freeze({ code: "Success", reasons: [] });
export const skip: Status = Object.freeze({ code: "Skip", reasons: [] });

export function unschedulable(...reasons: string[]): Status {
  return { code: "Unschedulable", reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: "UnschedulableAndUnresolvable", reasons };
}

export function errorStatus(message: string): Status {
  return { code: "Error", reasons: [message] };
}

export function isSuccess(s: Status): boolean {
  return s.code === "Success";
}

export function isRejection(s: Status): boolean {
  return s.code === "Unschedulable" || s.code === "UnschedulableAndUnresolvable";
}

export function withPlugin(s: Status, plugin: string): Status {
  return s.plugin === plugin ? s : { ...s, plugin };
}

/** Status.Message(): the reasons joined by ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(", ");
}
