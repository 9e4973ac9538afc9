// "Did you mean ...?" (`suggestSimilar()`): the registered names closest to a mistyped one, by
// edit distance. A leaf: imports nothing.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function distance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidates closest to `word` (best first, ties kept), or `[]` when none is close: at most a
 * third of the word's letters may differ, and a candidate that starts with the word also counts.
 *
 * @example
 * ```ts
 * suggestSimilar("gret", ["greet", "list", "remove"]); // ["greet"]
 * ```
 */
export function suggestSimilar(word: string, candidates: readonly string[]): string[] {
  const w = word.replace(/^-+/, "").toLowerCase();
  if (w.length === 0) return [];
  let best = Number.POSITIVE_INFINITY;
  let hits: string[] = [];
  for (const c of new Set(candidates)) {
    const bare = c.replace(/^-+/, "").toLowerCase();
    if (bare.length < 2 && w.length > 2) continue;
    const dist = bare.startsWith(w) && w.length >= 2 ? 0.5 : distance(w, bare);
    const limit = Math.max(1, Math.floor(Math.max(w.length, bare.length) / 3));
    if (dist > limit) continue;
    if (dist < best) {
      best = dist;
      hits = [c];
    } else if (dist === best) hits.push(c);
  }
  return hits;
}
