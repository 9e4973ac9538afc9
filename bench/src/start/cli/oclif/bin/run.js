#!/usr/bin/env node
// The minimal oclif layout: a package with an `oclif` section, this bin and a commands folder.
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
