/**
 * The page's files (HTML, CSS, JavaScript modules), shipped in the package under `studio/public/`
 * (`src/studio/public/` from source, copied to `dist/studio/public/` by the build) and read once
 * into memory. Nothing is fetched from the internet: the page loads only these files and the API.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StudioConfigurationError } from "./errors.js";

/** One file of the page, ready to send. */
export interface StudioAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * Where the files are: beside this module (`src/studio/public`, or `dist/studio/public` when this
 * code is in `dist/studio/index.js`), or `../studio/public` when the bundler put it in a shared chunk
 * (`dist/_chunks/`).
 */
function publicDirectory(): string {
  const candidates = ["./public/", "../studio/public/", "./studio/public/"];
  for (const candidate of candidates) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new StudioConfigurationError(
    `registers/studio: the page's files are missing (looked for ${candidates.join(", ")} beside ${import.meta.url}); reinstall registers`,
  );
}

let loaded: ReadonlyMap<string, StudioAsset> | undefined;

/**
 * The page's files by name (`"index.html"`, `"studio.css"`, `"app.js"`, ...), read on first use.
 *
 * @example
 * ```ts
 * studioAssets().get("index.html")?.contentType; // "text/html; charset=utf-8"
 * ```
 */
export function studioAssets(): ReadonlyMap<string, StudioAsset> {
  if (loaded !== undefined) return loaded;
  const dir = publicDirectory();
  const files = new Map<string, StudioAsset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type === undefined) continue;
    files.set(name, { body: readFileSync(`${dir}${name}`), contentType: type });
  }
  loaded = files;
  return files;
}
