/**
 * Value codecs: how a dialect turns field values into driver parameters (`encode`) and stored values
 * back into field values (`decode`), as one table of converters per column kind; a kind without a
 * converter passes through, and `null`/`undefined` are always `null`. Shared converters live here
 * so each dialect lists only what its driver needs. It imports the dialect types and json-text only.
 */
import type { ColumnKind } from "./dialect.js";
import { parseJsonText } from "./json-text.js";

/** Converts one non-null value. */
export type Convert = (value: unknown) => unknown;

/** Converters by column kind (absent: the value passes through). */
export type Converters = Partial<Record<ColumnKind, Convert>>;

/** A dialect's `encode` and `decode`. */
export interface ValueCodec {
  encode(kind: ColumnKind, value: unknown): unknown;
  decode(kind: ColumnKind, value: unknown): unknown;
}

/** The codec of these encoders and decoders. */
export function valueCodec(encoders: Converters, decoders: Converters): ValueCodec {
  return {
    encode(kind, value) {
      if (value === null || value === undefined) return null;
      const convert = encoders[kind];
      return convert === undefined ? value : convert(value);
    },
    decode(kind, value) {
      if (value === null || value === undefined) return null;
      const convert = decoders[kind];
      return convert === undefined ? value : convert(value);
    },
  };
}

/** JSON values are sent as JSON text (drivers would turn JS arrays into SQL arrays). */
export const toJsonText: Convert = (value) => JSON.stringify(value);
/** JSON text (or an already parsed value) as the JSON value (`parseJsonText`: right on Node 24 too). */
export const fromJsonText: Convert = (value) => (typeof value === "string" ? parseJsonText(value) : value);
/** A bigint as decimal text (drivers without native 64-bit parameters). */
export const bigintToText: Convert = (value) => (typeof value === "bigint" ? value.toString() : value);
/** A stored 64-bit integer (bigint, number or text) as a bigint. */
export const toBigint: Convert = (value) =>
  typeof value === "bigint" ? value : BigInt(value as string | number);
/** A stored number (number, bigint or numeric text) as a number. */
export const toNumber: Convert = (value) => (typeof value === "number" ? value : Number(value));
/** A Date as ISO 8601 text in UTC. */
export const dateToIso: Convert = (value) => (value instanceof Date ? value.toISOString() : value);
/** A boolean as 1 or 0. */
export const booleanToBit: Convert = (value) => (value === true ? 1 : value === false ? 0 : value);
