#!/usr/bin/env node
// The k8ts executable: runs the compiled command (npm run build, or npm ci, compiles it).
import { main } from "../dist/src/cmd/main.js";

process.exit(await main(process.argv.slice(2)));
