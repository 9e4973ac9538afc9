// registers studio: a model's rows as a table — keyset pages (the manager's page(): "Next" follows
// the cursor, "Previous" goes back along the cursors seen), sorting by any sortable column, the
// filter form, each column's type, the key linking to the record and foreign keys to their target.
import { ApiError, api, rowsPath } from "./api.js";
import { h, replace, shown } from "./dom.js";
import { filterForm } from "./filter-form.js";

/** Rows per page. */
export const PAGE_SIZE = 20;

/** Cursors seen per listing (model, order, filter): page n starts after trails[key][n - 1]. */
const trails = new Map();

/** The address of a listing. */
export function listHash(model, { orderBy, where, after, p } = {}) {
  const params = new URLSearchParams();
  if (orderBy) params.set("orderBy", orderBy);
  if (where) params.set("where", typeof where === "string" ? where : JSON.stringify(where));
  if (after) params.set("after", after);
  if (p && p > 1) params.set("p", String(p));
  const query = params.toString();
  return `#/m/${encodeURIComponent(model)}${query ? `?${query}` : ""}`;
}

/** The address of a record. */
export function recordHash(model, key) {
  return `#/m/${encodeURIComponent(model)}/r/${encodeURIComponent(String(key))}`;
}

function typeLabel(field) {
  const parts = [field.kind];
  if (field.key) parts.push("key");
  if (field.unique) parts.push("unique");
  if (field.nullable) parts.push("nullable");
  return parts.join(" · ");
}

function headerCell(model, field, orderBy, go) {
  const direction = orderBy === field.name ? "ascending" : orderBy === `-${field.name}` ? "descending" : null;
  const label = h("span", { class: "name" }, field.name);
  const type = h("span", { class: "type" }, typeLabel(field));
  if (!field.sortable) return h("th", { scope: "col", "data-field": field.name }, label, type);
  const next = direction === "ascending" ? `-${field.name}` : field.name;
  const arrow = direction === "ascending" ? " ▲" : direction === "descending" ? " ▼" : "";
  return h(
    "th",
    { scope: "col", "aria-sort": direction ?? "none", "data-field": field.name },
    h(
      "button",
      {
        type: "button",
        class: "sort",
        "aria-label": `Sort by ${field.name}${direction === "ascending" ? ", descending" : ""}`,
        onclick: () => go({ orderBy: next }),
      },
      label,
      arrow,
    ),
    type,
  );
}

function cell(studio, model, field, record) {
  const value = record[field.name];
  if (field.key) return h("td", {}, h("a", { href: recordHash(model.name, value) }, shown(value)));
  const link = model.relations.find(
    (r) => r.kind === "belongsTo" && r.localField === field.name && r.target !== null,
  );
  if (link && value !== null && value !== undefined) {
    const target = studio.models.get(link.target);
    const targetHash =
      link.targetField === undefined || link.targetField === target?.keyField
        ? recordHash(link.target, value)
        : listHash(link.target, { where: { [link.targetField]: { eq: value } } });
    return h(
      "td",
      {},
      h("a", { href: targetHash, title: `${link.name}: ${link.target} ${shown(value)}` }, shown(value)),
    );
  }
  const text = shown(value);
  const cls = field.kind === "integer" || field.kind === "float" || field.kind === "bigint" ? "num" : null;
  return h(
    "td",
    { class: cls, title: text.length > 60 ? text : null },
    text.length > 60 ? `${text.slice(0, 57)}…` : text,
  );
}

/**
 * Renders the rows of `model` into `main` as `params` (the address's query) asks.
 * @param {HTMLElement} main
 */
export async function renderTable(main, studio, model, params) {
  const orderBy = params.get("orderBy") ?? "";
  const whereText = params.get("where") ?? "";
  const after = params.get("after") ?? "";
  const pageNo = Math.max(1, Number(params.get("p") ?? "1") || 1);
  let where;
  try {
    where = whereText ? JSON.parse(whereText) : undefined;
  } catch {
    where = undefined;
  }
  const go = (change) => studio.go(listHash(model.name, { orderBy, where: whereText, ...change }));
  const trailKey = `${model.name}|${orderBy}|${whereText}`;
  const trail = trails.get(trailKey) ?? [""];
  trails.set(trailKey, trail);
  trail[pageNo - 1] = after;

  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (orderBy) query.set("orderBy", orderBy);
  if (whereText) query.set("where", whereText);
  if (after) query.set("after", after);
  let data = null;
  let failure = null;
  try {
    data = await api("GET", `${rowsPath(model.name)}?${query}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    failure = error.message;
  }

  document.title = `${model.name} · registers studio`;
  const visible = model.fields.filter((f) => !f.hidden);
  const heading = h("h1", {}, model.name, " ", h("span", { class: "muted" }, `(${model.table})`));
  const summary = data
    ? `${data.count} ${data.count === 1 ? "row" : "rows"}${where ? " match the filter" : ""} · page ${pageNo}`
    : "";
  const filter = filterForm(model, where, (criteria) =>
    go({ where: criteria ? JSON.stringify(criteria) : "", after: "", p: 1 }),
  );
  const table = data
    ? h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "grid", id: "rows" },
          h("caption", { class: "visually-hidden" }, `${model.name} rows, ${summary}`),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              visible.map((f) =>
                headerCell(model, f, orderBy, (change) => go({ ...change, after: "", p: 1 })),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            data.items.length === 0
              ? h("tr", {}, h("td", { colspan: String(visible.length) }, "No rows."))
              : data.items.map((record) =>
                  h(
                    "tr",
                    {},
                    visible.map((f) => cell(studio, model, f, record)),
                  ),
                ),
          ),
        ),
      )
    : null;
  const pager = data
    ? h(
        "nav",
        { class: "pager", "aria-label": "Pages" },
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            disabled: pageNo === 1,
            onclick: () => go({ after: "", p: 1 }),
          },
          "First page",
        ),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            disabled: pageNo === 1,
            onclick: () =>
              go({ after: trail[pageNo - 2] ?? "", p: trail[pageNo - 2] === undefined ? 1 : pageNo - 1 }),
          },
          "Previous page",
        ),
        h("span", { class: "muted", id: "page-number" }, `Page ${pageNo}`),
        h(
          "button",
          {
            type: "button",
            disabled: data.nextCursor === null,
            onclick: () => {
              trail[pageNo] = data.nextCursor;
              go({ after: data.nextCursor, p: pageNo + 1 });
            },
          },
          "Next page",
        ),
      )
    : null;
  replace(
    main,
    h(
      "div",
      { class: "heading" },
      heading,
      h("a", { class: "button", href: `#/m/${encodeURIComponent(model.name)}/new` }, `New ${model.name}`),
    ),
    h("p", { class: "muted", id: "row-count" }, summary),
    filter,
    failure ? h("p", { class: "alert", role: "alert" }, failure) : null,
    table,
    pager,
  );
}
