import type { Definitions } from "../../schema.js";
import { cronjobDefinitions } from "./cronjob-schema.js";
import { jobDefinitions } from "./job-schema.js";

export const batchV1Definitions: Definitions = { ...jobDefinitions, ...cronjobDefinitions };
