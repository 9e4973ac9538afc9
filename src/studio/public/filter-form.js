// registers studio: the filter form of a model's table. Each condition is a field, a criteria
// operator (the ones the server says the field accepts) and a value; conditions are ANDed and sent
// as registers criteria: { price: { gte: 10 }, status: { in: ["paid", "shipped"] } }.
import { h, idFor } from "./dom.js";

const OPERATOR_LABELS = {
  eq: "=",
  ne: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  in: "is one of",
  notIn: "is none of",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  like: "like",
  ilike: "like (any case)",
  isNull: "is empty",
};

/** The typed value of one text box for `field` (lists for in / notIn, booleans for isNull). */
function typed(field, op, text) {
  if (op === "isNull") return text !== "false";
  if (op === "in" || op === "notIn") return text.split(",").map((part) => typed(field, "eq", part.trim()));
  if (field.kind === "integer" || field.kind === "float") return text.trim() === "" ? text : Number(text);
  if (field.kind === "boolean") return text === "true";
  if (field.kind === "date") {
    const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
    return Number.isNaN(date.getTime()) ? text : date.toISOString();
  }
  return text;
}

/** Back from criteria to [field, op, text] rows, for a form that shows the current filter. */
function rowsOf(where) {
  const rows = [];
  for (const [name, criterion] of Object.entries(where ?? {})) {
    if (criterion !== null && typeof criterion === "object" && !Array.isArray(criterion)) {
      for (const [op, value] of Object.entries(criterion))
        rows.push([name, op, Array.isArray(value) ? value.join(", ") : String(value)]);
    } else rows.push([name, "eq", String(criterion)]);
  }
  return rows;
}

/**
 * The filter form. `onApply(where | undefined)` runs on submit (undefined: no conditions).
 * @param {any} model
 * @param {Record<string, unknown> | undefined} where
 * @param {(where: Record<string, unknown> | undefined) => void} onApply
 */
export function filterForm(model, where, onApply) {
  const fields = model.fields.filter((f) => f.operators.length > 0);
  const list = h("ol", { class: "conditions" });
  let counter = 0;

  function addRow([name, op, text] = [fields[0]?.name, undefined, ""]) {
    const n = ++counter;
    const fieldSelect = h(
      "select",
      { id: idFor("filter-field", n), name: "field" },
      fields.map((f) => h("option", { value: f.name, selected: f.name === name }, f.name)),
    );
    const opSelect = h("select", { id: idFor("filter-op", n), name: "op" });
    const value = h("input", {
      id: idFor("filter-value", n),
      name: "value",
      type: "text",
      value: text ?? "",
      autocomplete: "off",
    });
    const fillOps = (selected) => {
      const field = fields.find((f) => f.name === fieldSelect.value);
      opSelect.replaceChildren(
        ...(field?.operators ?? []).map((o) =>
          h("option", { value: o, selected: o === selected }, OPERATOR_LABELS[o] ?? o),
        ),
      );
      value.placeholder =
        opSelect.value === "in" || opSelect.value === "notIn"
          ? "a, b, c"
          : opSelect.value === "isNull"
            ? "true or false"
            : field?.kind === "date"
              ? "2024-01-31T12:00:00Z"
              : "";
    };
    fieldSelect.addEventListener("change", () => fillOps());
    opSelect.addEventListener("change", () => fillOps(opSelect.value));
    fillOps(op);
    const row = h(
      "li",
      { class: "condition" },
      h("label", { for: fieldSelect.id, class: "visually-hidden" }, `Condition ${n}: field`),
      fieldSelect,
      h("label", { for: opSelect.id, class: "visually-hidden" }, `Condition ${n}: operator`),
      opSelect,
      h("label", { for: value.id, class: "visually-hidden" }, `Condition ${n}: value`),
      value,
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-label": `Remove condition ${n}`,
          onclick: () => row.remove(),
        },
        "✕",
      ),
    );
    list.append(row);
    return fieldSelect;
  }

  for (const row of rowsOf(where)) addRow(row);
  const form = h(
    "form",
    { class: "filter", "aria-label": `Filter ${model.name}` },
    h("h2", { class: "small" }, "Filter"),
    list,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => addRow().focus() }, "Add condition"),
      h("button", { type: "submit" }, "Apply filter"),
      h("button", { type: "button", class: "secondary", onclick: () => onApply(undefined) }, "Clear"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const criteria = {};
    for (const row of list.querySelectorAll("li")) {
      const [fieldSelect, opSelect] = row.querySelectorAll("select");
      const input = row.querySelector("input");
      const field = fields.find((f) => f.name === fieldSelect.value);
      if (!field) continue;
      criteria[field.name] = {
        ...(criteria[field.name] ?? {}),
        [opSelect.value]: typed(field, opSelect.value, input.value),
      };
    }
    onApply(Object.keys(criteria).length === 0 ? undefined : criteria);
  });
  return form;
}
