/**
 * A small HTML page that lists the operations of the OpenAPI document at `specUrl`, with their
 * schemas. It loads nothing but that document (no CDN, no framework).
 *
 * @example
 * ```ts
 * app.get("/docs", (_request, reply) => reply.type("text/html").send(docsPage("/openapi.json")));
 * ```
 */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API documentation</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
code, pre { font: 13px ui-monospace, monospace; }
pre { background: #f4f4f4; padding: .5rem; overflow: auto; }
.method { display: inline-block; min-width: 4.5rem; font-weight: bold; }
</style>
</head>
<body>
<h1 id="title">API documentation</h1>
<p>The OpenAPI document: <a href="${specUrl}">${specUrl}</a></p>
<div id="operations"></div>
<h2>Schemas</h2>
<div id="schemas"></div>
<script>
const text = (tag, value) => Object.assign(document.createElement(tag), { textContent: value });
fetch(${JSON.stringify(specUrl)}).then((r) => r.json()).then((spec) => {
  document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
  const operations = document.getElementById("operations");
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const section = document.createElement("section");
      const head = text("h3", "");
      head.append(text("span", method.toUpperCase()), " ", text("code", path));
      head.firstChild.className = "method";
      section.append(head, text("p", (op.summary ?? "") + " (operationId: " + op.operationId + ")"));
      if (op.requestBody) section.append(text("pre", "body: " + JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)));
      for (const [status, response] of Object.entries(op.responses))
        section.append(text("pre", status + " " + response.description + ": " + JSON.stringify(response.content?.["application/json"]?.schema ?? null, null, 2)));
      operations.append(section);
    }
  }
  const schemas = document.getElementById("schemas");
  for (const [name, schema] of Object.entries(spec.components.schemas))
    schemas.append(text("h3", name), text("pre", JSON.stringify(schema, null, 2)));
});
</script>
</body>
</html>
`;
}
