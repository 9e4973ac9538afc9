// registers studio: form controls generated from a model's field descriptions — text and number
// inputs, selects for enums, checkboxes for booleans, date-time inputs (UTC) for dates, a text area
// with JSON validation for JSON fields, a password input for hashed fields on create — each with
// its label and a place for the field's error, tied together for screen readers.
import { h, idFor } from "./dom.js";

/** A value that cannot be sent (e.g. JSON that does not parse): shown next to its field. */
export class FieldError extends Error {}

/** ISO text -> the value of a datetime-local input (UTC, milliseconds kept). */
function toLocalInput(iso) {
  return typeof iso === "string" ? iso.replace(/Z$/, "").slice(0, 23) : "";
}

function describe(field) {
  const parts = [field.kind];
  if (field.input === "datetime") parts.push("UTC");
  if (field.unique) parts.push("unique");
  if (!field.optional && !field.nullable) parts.push("required");
  return parts.join(", ");
}

/**
 * A labelled control for `field`, filled with `value`.
 * @returns {{ field: any, row: HTMLElement, input: HTMLElement, read(): { value?: unknown, omit?: boolean }, showError(message: string | null): void }}
 */
export function fieldControl(model, field, value, mode) {
  const id = idFor("field", model.name, field.name);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const common = { id, name: field.name, "aria-describedby": `${hintId} ${errorId}` };
  /** @type {any} */
  let input;
  switch (field.input) {
    case "checkbox":
      input = h("input", { ...common, type: "checkbox", checked: value === true });
      break;
    case "select":
      input = h(
        "select",
        common,
        field.nullable || field.optional || value === null || value === undefined
          ? h("option", { value: "" }, "—")
          : null,
        (field.enumValues ?? []).map((v) => h("option", { value: v, selected: v === value }, v)),
      );
      break;
    case "integer":
    case "number":
      input = h("input", {
        ...common,
        type: "number",
        step: field.input === "integer" ? "1" : "any",
        value: value ?? "",
      });
      break;
    case "datetime":
      input = h("input", { ...common, type: "datetime-local", step: "0.001", value: toLocalInput(value) });
      break;
    case "json":
      input = h("textarea", {
        ...common,
        rows: 5,
        spellcheck: false,
        value: value === null || value === undefined ? "" : JSON.stringify(value, null, 2),
      });
      break;
    case "password":
      input = h("input", { ...common, type: "password", autocomplete: "new-password", value: "" });
      break;
    default:
      input = h("input", { ...common, type: "text", value: value ?? "", autocomplete: "off" });
  }
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const nullBox =
    field.nullable && field.input !== "checkbox"
      ? h("input", { type: "checkbox", id: `${id}-null`, checked: value === null && mode === "edit" })
      : null;
  if (nullBox) {
    const sync = () => {
      input.disabled = nullBox.checked;
    };
    nullBox.addEventListener("change", sync);
    sync();
  }
  const showError = (message) => {
    error.hidden = message === null;
    error.textContent = message ?? "";
    if (message === null) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
  };
  if (field.input === "json") {
    input.addEventListener("input", () => {
      try {
        if (input.value.trim() !== "") JSON.parse(input.value);
        showError(null);
      } catch (e) {
        showError(`not valid JSON: ${e.message}`);
      }
    });
  }
  const row = h(
    "div",
    { class: `field field-${field.input}`, "data-field": field.name },
    h("label", { for: id }, field.name),
    input,
    nullBox ? h("label", { class: "null-toggle" }, nullBox, " no value (null)") : null,
    h("p", { class: "hint", id: hintId }, describe(field)),
    error,
  );

  function read() {
    if (nullBox?.checked) return { value: null };
    const empty = () => (mode === "create" && field.optional ? { omit: true } : { value: null });
    switch (field.input) {
      case "checkbox":
        return { value: input.checked };
      case "select":
        return input.value === "" ? empty() : { value: input.value };
      case "integer":
      case "number":
        return input.value === "" ? empty() : { value: Number(input.value) };
      case "datetime":
        return input.value === "" ? empty() : { value: new Date(`${input.value}Z`).toISOString() };
      case "json":
        if (input.value.trim() === "") return empty();
        try {
          return { value: JSON.parse(input.value) };
        } catch (e) {
          throw new FieldError(`not valid JSON: ${e.message}`);
        }
      case "password":
        return input.value === "" ? { omit: true } : { value: input.value };
      default:
        return input.value === "" && mode === "create" && field.optional
          ? { omit: true }
          : { value: input.value };
    }
  }
  return { field, row, input, read, showError };
}

/** Whether a field has a control in a form of this mode. */
export function editable(field, mode) {
  if (field.key) return mode === "create" && !field.managedKey;
  if (field.hashed) return mode === "create";
  return !field.hidden;
}
