/**
 * The seams between a model's instances, its relationships and its manager, as interfaces: model
 * instances (`ModelBase`) and relationship loaders reach a registered model's manager only through
 * `ModelPort`, so neither imports the manager. Types only; it may import dialect types.
 */
import type { TableSpec } from "./dialect/dialect.js";

/** What a model instance and its relationships need from the model's manager. */
export interface ModelPort {
  /** The model class. */
  readonly model: { readonly name: string };
  /** The database: relationship loaders size their key lists by its parameter limit. */
  readonly engine: { readonly dialect: { readonly maxParameters: number } | null };
  readonly table: TableSpec;
  readonly keyField: string;
  /** Fields stored as password hashes (hidden from `toJSON()`, checked by `verifyPassword()`). */
  readonly hashedFields: readonly string[];
  save(instance: object): Promise<unknown>;
  deleteInstance(instance: object): Promise<boolean>;
  refresh(instance: object): Promise<unknown>;
  createSchema(): Promise<void>;
  dropSchema(): Promise<void>;
  schemaExists(): Promise<boolean>;
  truncate(): Promise<void>;
  /** Rows matching `criteria`, optionally ordered (relationship loading). */
  filter(criteria?: Record<string, unknown>, options?: { readonly orderBy?: string }): Promise<object[]>;
}
