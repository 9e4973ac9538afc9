// registers studio: the entry module. Loads the models' descriptions once, then renders the view
// the address names (hash routes, so the browser's back button and bookmarks work):
//   #/                      the models, with row counts
//   #/m/<Model>?orderBy=&where=&after=&p=   a model's rows (keyset pages)
//   #/m/<Model>/new         a create form
//   #/m/<Model>/r/<key>     a record: its fields, edit form, relationships, delete
import { ApiError, api } from "./api.js";
import { announce, h, replace } from "./dom.js";
import { renderRecord } from "./record-view.js";
import { renderTable } from "./table-view.js";

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
const nav = /** @type {HTMLElement} */ (document.getElementById("models-nav"));
/** @type {Map<string, any>} */
const models = new Map();

/** The studio's context, passed to every view. */
const studio = {
  models,
  /** Reloads the row counts (after a create or delete). */
  async refreshCounts() {
    const { models: list } = await api("GET", "models");
    for (const model of list) models.set(model.name, model);
    renderNav();
  },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

function renderNav() {
  const current = decodeURIComponent(location.hash.split("/")[2]?.split("?")[0] ?? "");
  replace(
    nav,
    h(
      "ul",
      {},
      [...models.values()].map((model) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: `#/m/${encodeURIComponent(model.name)}`,
              "aria-current": model.name === current ? "page" : null,
            },
            model.name,
          ),
        ),
      ),
    ),
  );
}

function renderHome() {
  document.title = "registers studio";
  replace(
    main,
    h("h1", {}, "Models"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "grid", id: "models-table" },
        h("caption", { class: "visually-hidden" }, "Registered models and their row counts"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Model"),
            h("th", { scope: "col" }, "Table"),
            h("th", { scope: "col", class: "num" }, "Rows"),
            h("th", { scope: "col" }, "Fields"),
          ),
        ),
        h(
          "tbody",
          {},
          [...models.values()].map((model) =>
            h(
              "tr",
              { "data-model": model.name },
              h(
                "th",
                { scope: "row" },
                h("a", { href: `#/m/${encodeURIComponent(model.name)}` }, model.name),
              ),
              h("td", {}, h("code", {}, model.table)),
              h("td", { class: "num" }, model.count === null ? "no table" : String(model.count)),
              h("td", {}, model.fields.map((f) => f.name).join(", ")),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderError(error) {
  const message =
    error instanceof ApiError
      ? `${error.message} (${error.body.code ?? error.status})`
      : String(error?.message ?? error);
  replace(
    main,
    h("h1", {}, "Something went wrong"),
    h("p", { class: "alert", role: "alert" }, message),
    h("p", {}, h("a", { href: "#/" }, "Back to the models")),
  );
}

async function route() {
  const hash = location.hash || "#/";
  if (!hash.startsWith("#/")) return;
  const [path, query = ""] = hash.slice(1).split("?");
  const parts = path
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const params = new URLSearchParams(query);
  renderNav();
  try {
    if (parts.length === 0) renderHome();
    else if (parts[0] === "m" && models.has(parts[1])) {
      const model = models.get(parts[1]);
      if (parts.length === 2) await renderTable(main, studio, model, params);
      else if (parts[2] === "new") await renderRecord(main, studio, model, null);
      else if (parts[2] === "r" && parts[3] !== undefined) await renderRecord(main, studio, model, parts[3]);
      else renderError(new Error(`no page at ${hash}`));
    } else renderError(new Error(`no page at ${hash}`));
  } catch (error) {
    renderError(error);
  }
  const heading = main.querySelector("h1");
  if (heading) announce(heading.textContent ?? "");
  main.focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);
studio.refreshCounts().then(route).catch(renderError);
