// registers studio: one record — its relationships as links, the edit form (only changed fields
// are sent; the manager validates, hashes and saves them), "set password" for hashed fields, and
// delete behind a confirmation dialog — and the create form. Errors from the server (Zod issues,
// unique and foreign-key conflicts) are shown next to their fields or as a message.
import { ApiError, api, rowsPath } from "./api.js";
import { announce, h, replace, shown } from "./dom.js";
import { editable, FieldError, fieldControl } from "./form.js";
import { listHash, recordHash } from "./table-view.js";

/** Shows an API error on the form: issues and conflicting fields next to their fields, the rest as a message. */
function showFailure(error, controls, alert) {
  for (const control of controls) control.showError(null);
  if (!(error instanceof ApiError)) {
    alert.textContent = String(error?.message ?? error);
    alert.hidden = false;
    return;
  }
  const body = error.body;
  const byName = new Map(controls.map((c) => [c.field.name, c]));
  const loose = [];
  for (const issue of body.issues ?? []) {
    const control = byName.get(String(issue.path).split(".")[0]);
    if (control) control.showError(issue.message);
    else loose.push(`${issue.path ? `${issue.path}: ` : ""}${issue.message}`);
  }
  for (const name of body.fields ?? []) byName.get(name)?.showError(`${name} is already taken`);
  alert.textContent = [body.message ?? error.message, ...loose].join(" — ");
  alert.hidden = false;
  const firstInvalid = controls.find((c) => c.input.getAttribute("aria-invalid") === "true");
  (firstInvalid?.input ?? alert).focus();
}

/** Reads the form's values: every filled field (create) or the changed ones (edit). */
function collect(controls, original) {
  const data = {};
  let bad = false;
  for (const control of controls) {
    control.showError(null);
    let result;
    try {
      result = control.read();
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      control.showError(error.message);
      bad = true;
      continue;
    }
    if (result.omit) continue;
    const name = control.field.name;
    if (original && JSON.stringify(original[name] ?? null) === JSON.stringify(result.value)) continue;
    data[name] = result.value;
  }
  return bad ? null : data;
}

function relatedList(studio, model, related) {
  if (related.length === 0) return null;
  const items = related.map((r) => {
    if (r.kind === "belongsTo") {
      if (r.value === null) return h("li", {}, `${r.name}: —`);
      const target = studio.models.get(r.target);
      const href =
        r.targetField === target?.keyField
          ? recordHash(r.target, r.value)
          : listHash(r.target, { where: { [r.targetField]: { eq: r.value } } });
      return h(
        "li",
        {},
        `${r.name}: `,
        h("a", { href, "data-relation": r.name }, `${r.target} ${shown(r.value)}`),
      );
    }
    if (r.kind === "hasMany") {
      const href = listHash(r.target, { where: { [r.foreignField]: { eq: r.value } } });
      return h(
        "li",
        {},
        h("a", { href, "data-relation": r.name }, `${r.name} (${r.count})`),
        h("span", { class: "muted" }, ` ${r.target} where ${r.foreignField} = ${shown(r.value)}`),
      );
    }
    return h(
      "li",
      {},
      `${r.name} (${r.count}): `,
      r.keys.map((key, i) => [
        i > 0 ? ", " : "",
        h("a", { href: recordHash(r.target, key) }, `${r.target} ${shown(key)}`),
      ]),
    );
  });
  return h(
    "section",
    { "aria-labelledby": "related-heading" },
    h("h2", { id: "related-heading" }, "Relationships"),
    h("ul", { class: "related" }, items),
  );
}

function passwordForms(model, key, onDone) {
  return model.fields
    .filter((f) => f.hashed)
    .map((field) => {
      const id = `secret-${field.name}`;
      const input = h("input", { id, type: "password", autocomplete: "new-password", required: true });
      const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
      input.setAttribute("aria-describedby", error.id);
      const form = h(
        "form",
        { class: "card secret", "aria-label": `Set ${field.name}` },
        h("h2", {}, `Set ${field.name}`),
        h("p", { class: "muted" }, `${field.name} is stored as a hash and never shown.`),
        h("div", { class: "field" }, h("label", { for: id }, `New ${field.name}`), input, error),
        h("button", { type: "submit" }, `Set ${field.name}`),
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        error.hidden = true;
        input.removeAttribute("aria-invalid");
        try {
          await api("PUT", `${rowsPath(model.name, key)}/secrets/${encodeURIComponent(field.name)}`, {
            value: input.value,
          });
          input.value = "";
          onDone(`${field.name} set`);
        } catch (e) {
          const issue =
            e instanceof ApiError ? (e.body.issues ?? []).find((i) => String(i.path) === field.name) : null;
          error.textContent = issue?.message ?? e.message;
          error.hidden = false;
          input.setAttribute("aria-invalid", "true");
          input.focus();
        }
      });
      return form;
    });
}

function deleteControl(studio, model, key, alert) {
  const confirmButton = h("button", { type: "button", class: "danger", id: "confirm-delete" }, "Delete");
  const cancelButton = h("button", { type: "button", class: "secondary", autofocus: true }, "Cancel");
  const dialog = h(
    "dialog",
    { "aria-labelledby": "delete-title" },
    h("h2", { id: "delete-title" }, `Delete ${model.name} ${key}?`),
    h("p", {}, "This cannot be undone."),
    h("div", { class: "actions" }, cancelButton, confirmButton),
  );
  cancelButton.addEventListener("click", () => dialog.close());
  confirmButton.addEventListener("click", async () => {
    dialog.close();
    try {
      await api("DELETE", rowsPath(model.name, key));
      await studio.refreshCounts();
      announce(`${model.name} ${key} deleted`);
      studio.go(listHash(model.name));
    } catch (error) {
      showFailure(error, [], alert);
    }
  });
  const open = h(
    "button",
    { type: "button", class: "danger", onclick: () => dialog.showModal() },
    `Delete ${model.name} ${key}`,
  );
  return h("div", { class: "delete" }, open, dialog);
}

/**
 * Renders a record (`key`) or the create form (`key === null`) of `model` into `main`.
 * @param {HTMLElement} main
 */
export async function renderRecord(main, studio, model, key) {
  const mode = key === null ? "create" : "edit";
  const loaded = key === null ? null : await api("GET", rowsPath(model.name, key));
  const record = loaded?.record ?? {};
  document.title = `${key === null ? `New ${model.name}` : `${model.name} ${key}`} · registers studio`;
  const alert = h("p", { class: "alert", role: "alert", hidden: true, tabindex: "-1" });
  const controls = model.fields
    .filter((f) => editable(f, mode))
    .map((f) => fieldControl(model, f, record[f.name], mode));
  const form = h(
    "form",
    {
      class: "card record-form",
      "aria-label": key === null ? `New ${model.name}` : `Edit ${model.name} ${key}`,
      novalidate: true,
    },
    key === null
      ? null
      : h("p", { class: "key" }, h("strong", {}, `${model.keyField}: `), shown(record[model.keyField])),
    controls.map((c) => c.row),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, key === null ? `Create ${model.name}` : "Save changes"),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.hidden = true;
    const data = collect(controls, key === null ? null : record);
    if (data === null) {
      controls.find((c) => c.input.getAttribute("aria-invalid") === "true")?.input.focus();
      return;
    }
    try {
      if (key === null) {
        const created = await api("POST", rowsPath(model.name), data);
        await studio.refreshCounts();
        announce(`${model.name} created`);
        studio.go(recordHash(model.name, created.record[model.keyField]));
      } else {
        await api("PATCH", rowsPath(model.name, key), data);
        await renderRecord(main, studio, model, key);
        const status = main.querySelector(".saved");
        if (status) status.textContent = Object.keys(data).length === 0 ? "Nothing to save." : "Saved.";
        announce("Saved");
      }
    } catch (error) {
      showFailure(error, controls, alert);
    }
  });
  const visible = model.fields.filter((f) => !f.hidden);
  replace(
    main,
    h("p", {}, h("a", { href: listHash(model.name) }, `← All ${model.name} rows`)),
    h("h1", {}, key === null ? `New ${model.name}` : `${model.name} ${key}`),
    h("p", { class: "saved", role: "status" }),
    alert,
    key === null
      ? null
      : h(
          "dl",
          { class: "values" },
          visible.map((f) => [
            h("dt", {}, f.name, h("span", { class: "type" }, f.kind)),
            h("dd", {}, shown(record[f.name])),
          ]),
        ),
    key === null ? null : relatedList(studio, model, loaded.related),
    h("h2", {}, key === null ? "Fields" : "Edit"),
    form,
    key === null
      ? null
      : passwordForms(model, key, (message) => {
          const status = main.querySelector(".saved");
          if (status) status.textContent = `${message[0].toUpperCase()}${message.slice(1)}.`;
          announce(message);
        }),
    key === null ? null : deleteControl(studio, model, key, alert),
  );
}
