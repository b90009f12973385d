// The pages in a real browser: Debian's Chromium, headless, driven by
// playwright-core.  Run by tests/api/test_browser.py against a server it
// started with the demo data:
//
//   node tests/browser/pages.mjs BASE_URL SCREENSHOT_DIR
//
// Signs in as each role by mouse and by keyboard, checks where each lands
// and what it sees, signs out, sends a forged form from another origin,
// and runs axe-core on every page (no serious or critical violations);
// saves a screenshot of each page at desktop and phone width.  Prints one
// line per check and exits 1 at the first failure.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node pages.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const PASSWORD = "kapsule-demo";
const PEOPLE = [
  { role: "customer", email: "jane.doe@example.com", home: "/help", heading: "My enquiries" },
  { role: "vendor", email: "sales@northwind-ceramics.example", home: "/vendor", heading: "Requests" },
  { role: "agent", email: "agent@kapsule.co.uk", home: "/desk", heading: "Queue" },
  { role: "admin", email: "admin@kapsule.co.uk", home: "/desk", heading: "Queue" },
];
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

function check(ok, what) {
  if (!ok) throw new Error("FAILED: " + what);
  console.log("ok  " + what);
}

// Chromium as root on a machine without a display or outside network.
const browser = await chromium.launch({
  executablePath: process.env.KAPSULE_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// axe-core needs its script on the page; the pages' policy forbids inline
// script, so the checking context alone bypasses it.
async function accessible(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "best-practice"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `${name}: no serious accessibility violations` +
        (bad.length ? " — " + bad.map((v) => `${v.id} (${v.nodes.length})`).join(", ") : ""));
}

// A context that can run axe (see accessible()), signed in with session.
async function checking(session) {
  const context = await browser.newContext({ bypassCSP: true });
  await context.addCookies([session]);
  return context;
}

// Screenshots of the page at both widths, and an accessibility check at each.
async function capture(context, path, name) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const r = await page.goto(base + path);
    check(r.status() === 200, `${name} (${size}): 200`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= viewport.width, `${name} (${size}): no sideways scrolling (${wide}px)`);
    await page.screenshot({ path: `${shots}/${name}-${size}.png`, fullPage: true });
    await accessible(page, `${name} (${size})`);
    await page.close();
  }
}

let failed = false;
try {
  // The sign-in page, as nobody.
  {
    const context = await browser.newContext({ bypassCSP: true });
    await capture(context, "/login", "sign-in");
    await context.close();
  }

  for (const p of PEOPLE) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + p.home);
    check(new URL(page.url()).pathname === "/login", `${p.role}: not signed in, sent to sign in`);
    await page.getByLabel("E-mail address").fill(p.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + p.home);
    check(await page.getByRole("heading", { level: 1 }).innerText() === p.heading,
          `${p.role}: lands on ${p.home} (${p.heading})`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "kapsule_session");
    check(session && session.httpOnly && session.sameSite === "Lax",
          `${p.role}: the session cookie is HttpOnly and SameSite=Lax`);
    const text = await page.locator("main").innerText();
    if (p.role === "vendor")
      check(!text.includes("jane.doe@example.com"), "vendor: no customer e-mail on the page");
    for (const other of ["/help", "/desk", "/vendor"].filter((x) => x !== p.home)) {
      const r = await page.goto(base + other);
      check(r.status() === 404, `${p.role}: ${other} is not there (404)`);
    }
    // Screenshots and accessibility of the portal, in a context that can run axe.
    const look = await checking(session);
    await capture(look, p.home, `${p.role}-${p.home.slice(1)}`);
    await look.close();
    if (p.role === "customer") {
      // One enquiry: the conversation, and a reply typed and sent with the keyboard.
      await page.goto(base + p.home);
      const href = await page.locator("main table a").first().getAttribute("href");
      check(/^\/help\/enquiries\/\d+$/.test(href), `customer: the list links to ${href}`);
      await page.goto(base + href);
      check(await page.getByRole("list", { name: "Conversation" }).isVisible(),
            "customer: the enquiry shows its conversation");
      const look = await checking(session);
      await capture(look, href, "customer-enquiry");
      await look.close();
      await page.getByLabel("Your reply").focus();
      await page.keyboard.type("Thank you, that helps.");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => u.pathname === href && u.hash === "#latest");
      check((await page.locator("#latest .body").innerText()) === "Thank you, that helps.",
            "customer: a reply sent with the keyboard alone shows last");
    }
    if (p.role === "vendor") {
      // One request: the question, the order facts, the answer form.
      await page.goto(base + p.home);
      const href = await page.locator("main table a").first().getAttribute("href");
      check(/^\/vendor\/requests\/\d+$/.test(href), `vendor: the inbox links to ${href}`);
      await page.goto(base + href);
      check(await page.getByLabel("Answer").isVisible(), "vendor: the request has its answer form");
      const look = await checking(session);
      await capture(look, href, "vendor-request");
      await look.close();
    }
    if (p.role === "agent") {
      // One enquiry at the desk: the whole thread with its audiences.
      await page.goto(base + p.home);
      const href = await page.locator("main table a").first().getAttribute("href");
      check(/^\/desk\/enquiries\/\d+$/.test(href), `agent: the queue links to ${href}`);
      await page.goto(base + href);
      check(await page.getByRole("list", { name: "Thread" }).isVisible(),
            "agent: the enquiry shows its thread");
      const look = await checking(session);
      await capture(look, href, "agent-enquiry");
      await look.close();
    }
    await page.goto(base + p.home);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login\?signed_out=1$/);
    check(await page.getByText("You signed out.").isVisible(), `${p.role}: signed out`);
    const again = await page.goto(base + p.home);
    check(new URL(again.url()).pathname === "/login", `${p.role}: the portal is closed again`);
    await context.close();
  }

  // Keyboard only: from the top of the sign-in page to a signed-in portal.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + "/login");
    const order = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      order.push(await page.evaluate(() =>
        document.activeElement.id || document.activeElement.textContent.trim()));
    }
    check(order[0] === "Skip to content" && order[2] === "email" && order[3] === "password",
          `keyboard: the focus runs skip link, brand, e-mail, password (${order.join(", ")})`);
    await page.focus("#email");
    await page.keyboard.type("agent@kapsule.co.uk");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(base + "/desk");
    check(true, "keyboard: signed in with the keyboard alone");
    await context.close();
  }

  // A form on another origin posting to this site: refused, nobody signed in.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(`<form method="post" action="${base}/login">
      <input name="email" value="agent@kapsule.co.uk">
      <input name="password" value="${PASSWORD}">
      <button>go</button></form>`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click("button")]);
    check(response.status() === 403, `forged form from another origin: refused (${response.status()})`);
    const cookies = await context.cookies(base);
    check(!cookies.some((c) => c.name === "kapsule_session"), "forged form: no session made");
    await context.close();
  }
} catch (e) {
  console.error(e.message || e);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
