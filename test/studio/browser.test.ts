// The studio in a real browser: playwright-core drives Debian's chromium (/usr/bin/chromium, which
// .ci/run installs) through the flows on the shop example — the token refused, the models list,
// keyset pages, sorting, filtering, an edit with a validation error then a fix, a unique conflict,
// create, delete, relationships, "set password", the generated controls for every field type, a
// phone-sized viewport — with no console error (a CSP violation would be one). Screenshots of the
// main views and the page's weight go to test-results/studio/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Coupon, Order, PRODUCT_COUNT, Product, seedShop, studioModels, User } from "./_shop.js";

const CHROMIUM = "/usr/bin/chromium";
/** How far the page scrolls sideways (evaluated in the page). */
const SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth";
const OUT = "test-results/studio";
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the studio's browser tests`;
if (skip) console.log(`# skipped: ${skip}`);

describe("registers studio in chromium (shop example)", {
  skip,
  concurrency: false,
  timeout: 180_000,
}, () => {
  // Loaded lazily: the skip above must not need them.
  type Page = import("playwright-core").Page;
  type Context = import("playwright-core").BrowserContext;
  let context: Context;
  let page: Page;
  let studio: Awaited<ReturnType<typeof import("../../src/studio/index.js").startStudio>>;
  let profile: string;
  const consoleErrors: string[] = [];

  before(async () => {
    await seedShop();
    const { startStudio } = await import("../../src/studio/index.js");
    studio = await startStudio({ models: studioModels });
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "registers-studio-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    mkdirSync(OUT, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await studio?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** The text of the first element `locator` finds (all of it, hidden parts included). */
  const text = async (locator: import("playwright-core").Locator) => (await locator.textContent()) ?? "";
  const shot = (name: string) => page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
  const cells = (column: number) => page.locator(`#rows tbody tr td:nth-child(${column})`).allTextContents();

  it("refuses the page and the API without the token", async () => {
    const response = await page.goto(`${studio.origin}/`);
    assert.equal(response?.status(), 401);
    assert.match(await text(page.locator("body")), /needs its access token/);
    const api = await page.goto(`${studio.origin}/api/models`);
    assert.equal(api?.status(), 401);
    assert.equal(JSON.parse(await text(page.locator("body"))).code, "REGISTERS_STUDIO_TOKEN");
    const wrong = await page.goto(`${studio.origin}/?token=not-the-token`);
    assert.equal(wrong?.status(), 401);
  });

  it("opens with the printed URL and lists the models with row counts (page weight measured)", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.clearBrowserCache");
    let bytes = 0;
    const files: string[] = [];
    cdp.on("Network.loadingFinished", (event) => {
      bytes += event.encodedDataLength;
    });
    cdp.on("Network.responseReceived", (event) => files.push(new URL(event.response.url).pathname));
    await page.goto(studio.url);
    await page.locator("#models-table").waitFor();
    await page.waitForLoadState("networkidle");
    await cdp.detach();
    assert.equal(new URL(page.url()).search, "", "the token left the address bar");
    const count = (model: string) => text(page.locator(`#models-table tr[data-model="${model}"] td.num`));
    assert.equal(await count("User"), "3");
    assert.equal(await count("Product"), String(PRODUCT_COUNT));
    assert.equal(await count("Order"), "6");
    assert.equal(await count("Coupon"), "2");
    assert.equal(await count("Redemption"), "1");
    writeFileSync(`${OUT}/page-weight.json`, `${JSON.stringify({ bytes, files }, null, 2)}\n`);
    console.log(`# studio first load: ${bytes} bytes transferred in ${files.length} responses`);
    assert.ok(bytes > 0 && bytes < 100_000, `first load is ${bytes} bytes`);
    await shot("models");
  });

  it("pages through a model with keyset cursors", async () => {
    await page.getByRole("navigation", { name: "Models" }).getByRole("link", { name: "Product" }).click();
    await page.locator("#rows").waitFor();
    assert.match(await text(page.locator("#row-count")), /45 rows · page 1/);
    assert.equal((await cells(1)).length, 20);
    assert.equal((await cells(1))[0], "1");
    await shot("table");
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator("#row-count", { hasText: "page 2" }).waitFor();
    assert.equal((await cells(1))[0], "21");
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator("#row-count", { hasText: "page 3" }).waitFor();
    assert.deepEqual(await cells(1), ["41", "42", "43", "44", "45"]);
    assert.equal(await page.getByRole("button", { name: "Next page" }).isDisabled(), true);
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.locator("#row-count", { hasText: "page 2" }).waitFor();
    assert.equal((await cells(1))[0], "21");
  });

  it("sorts by a column, from the keyboard too", async () => {
    await page.getByRole("button", { name: "First page" }).click();
    await page.locator("#row-count", { hasText: "page 1" }).waitFor();
    const sortByPrice = page.getByRole("button", { name: /^Sort by price/ });
    await sortByPrice.focus();
    await page.keyboard.press("Enter");
    await page.locator('th[data-field="price"][aria-sort="ascending"]').waitFor();
    const ascending = (await cells(3)).map(Number);
    assert.deepEqual(
      ascending,
      [...ascending].sort((a, b) => a - b),
    );
    const all = (await Product.objects.all()).map((p) => p.price).sort((a, b) => a - b);
    assert.equal(ascending[0], all[0]);
    await page.getByRole("button", { name: /^Sort by price/ }).click();
    await page.locator('th[data-field="price"][aria-sort="descending"]').waitFor();
    const descending = (await cells(3)).map(Number);
    assert.equal(descending[0], all[all.length - 1]);
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator("#row-count", { hasText: "page 2" }).waitFor();
    const second = (await cells(3)).map(Number);
    assert.ok(second[0] <= descending[descending.length - 1], "page 2 continues the descending order");
  });

  it("filters with criteria operators through the form", async () => {
    await page.goto(`${studio.origin}/#/m/Product`);
    await page.locator("#rows").waitFor();
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Condition 1: field").selectOption("price");
    await page.getByLabel("Condition 1: operator").selectOption("gte");
    await page.getByLabel("Condition 1: value").fill("60");
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Condition 2: field").selectOption("name");
    await page.getByLabel("Condition 2: operator").selectOption("startsWith");
    await page.getByLabel("Condition 2: value").fill("Product 1");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await page.locator("#row-count", { hasText: "match the filter" }).waitFor();
    const expected = await Product.objects.filter({ price: { gte: 60 }, name: { startsWith: "Product 1" } });
    assert.ok(expected.length > 0 && expected.length < PRODUCT_COUNT);
    assert.match(await text(page.locator("#row-count")), new RegExp(`^${expected.length} rows? match`));
    assert.deepEqual(
      (await cells(1)).map(Number),
      expected.map((p) => p.id),
    );
    await shot("filter");
    await page.getByRole("button", { name: "Clear" }).click();
    await page.locator("#row-count", { hasText: "45 rows" }).waitFor();
  });

  it("edits a record: a validation error next to the field, then a fix", async () => {
    await page.goto(`${studio.origin}/#/m/Product/r/7`);
    const name = page.getByLabel("name", { exact: true });
    await name.fill("");
    await page.getByLabel("price", { exact: true }).fill("-3");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator('[data-field="name"] .field-error:not([hidden])').waitFor();
    assert.match(await text(page.locator('[data-field="name"] .field-error')), /.+/);
    assert.match(await text(page.locator('[data-field="price"] .field-error')), /.+/);
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    assert.match(await text(page.getByRole("alert")), /the data is invalid/);
    await shot("record-error");
    assert.equal((await Product.objects.require(7)).name, "Product 07", "nothing was written");
    await name.fill("Green tea");
    await page.getByLabel("price", { exact: true }).fill("4.25");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator(".saved", { hasText: "Saved." }).waitFor();
    const saved = await Product.objects.require(7);
    assert.equal(saved.name, "Green tea");
    assert.equal(saved.price, 4.25);
    assert.equal(await page.locator('[data-field="name"] .field-error').isHidden(), true);
  });

  it("shows a unique-constraint conflict as a message next to the field", async () => {
    await page.goto(`${studio.origin}/#/m/User/r/2`);
    await page.getByLabel("email", { exact: true }).fill("ann@example.com");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator('[data-field="email"] .field-error:not([hidden])').waitFor();
    assert.match(await text(page.locator('[data-field="email"] .field-error')), /already taken/);
    assert.match(await text(page.getByRole("alert")), /email already taken/);
    assert.equal((await User.objects.require(2)).email, "bob@example.com");
  });

  it("never shows a hashed field, and sets it through its own form", async () => {
    await page.goto(`${studio.origin}/#/m/User/r/1`);
    await page.getByRole("heading", { name: "Set password" }).waitFor();
    const shown = await text(page.locator("main"));
    const stored = (await User.objects.require(1)).toJSON({ includeHidden: true }).password as string;
    assert.ok(!shown.includes(stored) && !shown.includes("$scrypt"), "the hash is not on the page");
    assert.equal(await page.locator('form.record-form [data-field="password"]').count(), 0);
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.locator("#secret-password-error:not([hidden])").waitFor();
    await page.getByLabel("New password").fill("a-much-longer-password");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.locator(".saved", { hasText: "Password set." }).waitFor();
    assert.equal(
      await page.getByLabel("New password").getAttribute("aria-invalid"),
      null,
      "the error is cleared",
    );
    const { verifyPassword } = await import("../../src/db/index.js");
    const hash = (await User.objects.require(1)).toJSON({ includeHidden: true }).password as string;
    assert.equal(await verifyPassword("a-much-longer-password", hash), true);
    await shot("record");
  });

  it("creates a record, then deletes it after a confirmation", async () => {
    await page.goto(`${studio.origin}/#/m/Product`);
    await page.getByRole("link", { name: "New Product" }).click();
    await page.getByLabel("name", { exact: true }).fill("Studio mug");
    await page.getByLabel("price", { exact: true }).fill("12.5");
    await page.getByLabel("stock", { exact: true }).fill("3");
    await shot("create");
    await page.getByRole("button", { name: "Create Product" }).click();
    await page.getByRole("heading", { name: /^Product \d+$/ }).waitFor();
    const created = await Product.objects.get({ name: "Studio mug" });
    assert.ok(created);
    assert.equal(created.price, 12.5);
    assert.equal(await Product.objects.count(), PRODUCT_COUNT + 1);
    await page.getByRole("button", { name: `Delete Product ${created.id}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.ok(await Product.objects.get(created.id as number), "cancel keeps the record");
    await page.getByRole("button", { name: `Delete Product ${created.id}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.locator("#row-count", { hasText: `${PRODUCT_COUNT} rows` }).waitFor();
    assert.equal(await Product.objects.get(created.id as number), null);
  });

  it("follows relationships: an order's user, a user's orders", async () => {
    await page.goto(`${studio.origin}/#/m/Order/r/2`);
    const order = await Order.objects.require(2);
    await page.locator('a[data-relation="user"]').click();
    await page.getByRole("heading", { name: `User ${order.user_id}` }).waitFor();
    const mine = await Order.objects.filter({ user_id: order.user_id });
    await page.locator('a[data-relation="orders"]', { hasText: `orders (${mine.length})` }).click();
    await page.locator("#row-count", { hasText: "match the filter" }).waitFor();
    assert.deepEqual(
      (await cells(1)).map(Number),
      mine.map((o) => o.id),
    );
    assert.ok((await cells(2)).every((id) => Number(id) === order.user_id));
    // In the table, a foreign key links to its record.
    await page.locator("#rows tbody tr:first-child td:nth-child(3) a").click();
    await page.getByRole("heading", { name: `Product ${mine[0].product_id}` }).waitFor();
  });

  it("generates a control per field type: checkbox, date, select, JSON with validation", async () => {
    await page.goto(`${studio.origin}/#/m/Coupon/new`);
    assert.equal(await page.getByLabel("active", { exact: true }).getAttribute("type"), "checkbox");
    assert.equal(await page.getByLabel("expires", { exact: true }).getAttribute("type"), "datetime-local");
    assert.equal(await page.getByLabel("kind", { exact: true }).evaluate((el) => el.tagName), "SELECT");
    assert.equal(await page.getByLabel("rules", { exact: true }).evaluate((el) => el.tagName), "TEXTAREA");
    await page.getByLabel("code", { exact: true }).fill("SPRING");
    await page.getByLabel("percent", { exact: true }).fill("15");
    await page.getByLabel("active", { exact: true }).uncheck();
    await page.getByLabel("expires", { exact: true }).fill("2031-03-01T09:30:00.000");
    await page.getByLabel("kind", { exact: true }).selectOption("private");
    await page.getByLabel("rules", { exact: true }).fill('{"minTotal": 5,');
    await page.locator('[data-field="rules"] .field-error', { hasText: "not valid JSON" }).waitFor();
    await page.getByRole("button", { name: "Create Coupon" }).click();
    assert.equal(await Coupon.objects.count(), 2, "invalid JSON is not sent");
    await page.getByLabel("rules", { exact: true }).fill('{"minTotal": 5, "products": [1, 2]}');
    await page.getByRole("button", { name: "Create Coupon" }).click();
    await page.getByRole("heading", { name: /^Coupon \d+$/ }).waitFor();
    const coupon = await Coupon.objects.require({ code: "SPRING" });
    assert.equal(coupon.active, false);
    assert.equal(coupon.kind, "private");
    assert.equal(coupon.expires.toISOString(), "2031-03-01T09:30:00.000Z");
    assert.deepEqual(coupon.rules, { minTotal: 5, products: [1, 2] });
    assert.equal(coupon.note, null);
  });

  it("shows a foreign key refusing a delete as a message", async () => {
    await page.goto(`${studio.origin}/#/m/Coupon/r/1`);
    await page.locator('a[data-relation="redemptions"]', { hasText: "redemptions (1)" }).waitFor();
    await page.getByRole("button", { name: "Delete Coupon 1" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByRole("alert").filter({ hasText: "other records refer to this one" }).waitFor();
    assert.ok(await Coupon.objects.get(1), "the coupon is still there");
    assert.equal(
      await page.getByRole("heading", { name: "Coupon 1" }).count(),
      1,
      "the page stays on the record",
    );
  });

  it("fits a phone-sized viewport", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${studio.origin}/#/m/Order`);
    await page.locator("#rows").waitFor();
    const overflow = Number(await page.evaluate(SIDEWAYS));
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px (only the table may)`);
    await shot("phone-table");
    await page.goto(`${studio.origin}/#/m/Order/r/1`);
    await page.getByRole("heading", { name: "Order 1" }).waitFor();
    const recordOverflow = Number(await page.evaluate(SIDEWAYS));
    assert.ok(recordOverflow <= 0, `the record page scrolls sideways by ${recordOverflow}px`);
    await shot("phone-record");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("logged no console error (no CSP violation, no script error)", () => {
    assert.deepEqual(
      consoleErrors.filter((e) => !/status of (400|401|409) /.test(e)),
      [],
    );
  });
});
