// The pages in a real browser: Debian's Chromium, headless, driven by
// playwright-core.  Run by tests/api/test_browser.py against a server it
// started with the demo data:
//
//   node tests/browser/pages.mjs BASE_URL SCREENSHOT_DIR
//
//   node tests/browser/pages.mjs BASE_URL SCREENSHOT_DIR ORDER_NUMBER
//
// Signs in as each role by mouse and by keyboard, checks where each lands
// and what it sees, signs out, sends a forged form from another origin,
// and runs axe-core on every page (no serious or critical violations);
// saves a screenshot of each page at desktop and phone width.  Then walks
// the whole story in three browser contexts at once, on ORDER_NUMBER (an
// order of the demo customer's with Northwind and no enquiry): the
// customer raises an enquiry with a photo, the agent asks the vendor, the
// vendor answers with a photo using the keyboard alone, the agent replies,
// the customer reads the reply; every text typed carries markup, which
// must show as text, and at each step it checks what each person sees and
// does not see.  Prints one line per check and exits 1 at the first
// failure.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, shots, storyOrder] = process.argv.slice(2);
if (!base || !shots || !storyOrder) {
  console.error("usage: node pages.mjs BASE_URL SCREENSHOT_DIR ORDER_NUMBER");
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

// Markup that would run or draw if any page wrote it as HTML.
const MARKUP = `<img src=x onerror="alert('img')"><script>alert('script')</script>`;
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000d4944415478da63f8cfc0f01f000500010ffa4c170000000049454e44ae426082", "hex");
let dialogs = 0;

// A signed-in page of one person's own context; any dialog (script run) is counted.
async function signedIn(email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await page.goto(base + "/login");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
  return { context, page };
}

// The main text of the page, and that no markup typed by anyone became an element.
async function mainText(page, who) {
  const injected = await page.locator("main img, main script").count();
  check(injected === 0, `${who}: markup typed into the forms is shown as text, not run`);
  return page.locator("main").innerText();
}

async function story() {
  const customer = await signedIn(PEOPLE[0].email);
  const agent = await signedIn(PEOPLE[2].email);
  const vendor = await signedIn(PEOPLE[1].email);
  const subject = `${MARKUP} Cracked jug`;

  // 1. The customer raises an enquiry about the order, with a photo.
  let page = customer.page;
  await page.goto(base + "/help");
  await page.getByRole("link", { name: `Ask about order ${storyOrder}` }).click();
  await page.getByLabel("What is it about?").selectOption("damaged");
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Your message").fill(`${MARKUP} The jug came cracked. Call me on 07700 900555.`);
  await page.getByLabel(/^Photos/).setInputFiles({ name: "crack.png", mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "Send to support" }).click();
  await page.waitForURL(/\/help\/enquiries\/\d+$/);
  const enquiry = new URL(page.url()).pathname.split("/").pop();
  check(await page.getByRole("heading", { level: 1 }).innerText() === subject,
        "story: the customer's enquiry is raised, its subject shown as typed");
  check(await page.getByRole("link", { name: "crack.png" }).isVisible(), "story: the customer's photo is on it");
  await mainText(page, "customer");

  // 2. The agent finds it in the queue and asks the vendor for a photo.
  page = agent.page;
  await page.goto(base + "/desk");
  await page.locator(`a[href="/desk/enquiries/${enquiry}"]`).click();
  let text = await mainText(page, "agent");
  check(text.includes("Call me on 07700 900555") && text.includes(subject),
        "story: the agent reads the customer's message as written");
  check(await page.getByRole("link", { name: "crack.png" }).isVisible(), "story: the agent sees the customer's photo");
  await page.getByText("Ask the vendor").click();
  await page.getByLabel("Question for the vendor").fill(`${MARKUP} How was the jug packed? Send a photo.`);
  await page.getByLabel("photo", { exact: true }).check();
  await page.getByLabel(/^Answer due in hours/).fill("12");
  await page.getByRole("button", { name: "Send to the vendor" }).click();
  await page.waitForURL((u) => u.hash === "#requests");
  check((await page.locator("#requests + table").innerText()).includes("open"),
        "story: the request to the vendor is open");

  // 3. The vendor answers with a photo, using the keyboard alone.
  page = vendor.page;
  await page.goto(base + "/vendor");
  await page.getByRole("link", { name: storyOrder }).click();
  text = await mainText(page, "vendor");
  check(text.includes("How was the jug packed? Send a photo.") && text.includes(MARKUP),
        "story: the vendor reads the question as written");
  check(!text.includes("900555") && !text.includes("jane.doe@example.com") && !text.includes("Doe"),
        "story: the vendor sees no customer contact details");
  check(!text.includes("crack.png"), "story: the vendor does not get the customer's photo");
  await page.getByLabel("Answer").focus();
  await page.keyboard.type(`${MARKUP} Double boxed in bubble wrap. Ring us on 01632 960999.`);
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.id) === "files", "story: Tab moves from the answer to the files");
  // Space on the focused file input opens the chooser; a loaded machine can miss the first.
  let chooser = null;
  for (let tries = 0; tries < 3 && !chooser; tries++) {
    try {
      [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 5000 }),
                                     page.keyboard.press("Space")]);
    } catch (e) {
      check(await page.evaluate(() => document.activeElement.id) === "files",
            "story: the files keep the focus while the chooser is awaited");
    }
  }
  check(chooser !== null, "story: Space opens the file chooser");
  await chooser.setFiles({ name: "packing.png", mimeType: "image/png", buffer: Buffer.concat([PNG, Buffer.from("packing")]) });
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.textContent) === "Send the answer",
        "story: Tab moves from the files to the send button");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(await page.getByRole("alert").isVisible(), "story: the vendor is warned at once about the phone number");
  check(await page.getByRole("link", { name: "packing.png" }).isVisible(), "story: the vendor's photo went with the answer");
  await mainText(page, "vendor");

  // 4. The agent reads the answer, the phone number marked, and replies to the customer.
  page = agent.page;
  await page.goto(base + `/desk/enquiries/${enquiry}`);
  text = await mainText(page, "agent");
  check(text.includes("Double boxed in bubble wrap."), "story: the agent reads the vendor's answer");
  check((await page.locator("mark").allInnerTexts()).some((m) => m.includes("960999")),
        "story: the phone number in it is marked");
  const photo = page.getByRole("link", { name: "packing.png" });
  check(await photo.isVisible(), "story: the agent sees the vendor's photo");
  const photoUrl = await photo.getAttribute("href");
  await page.getByLabel("Message").fill(`${MARKUP} Sorry about the jug: a new one is on its way.`);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/desk/enquiries/${enquiry}`);

  // 5. The customer reads the reply and nothing of the vendor's.
  page = customer.page;
  await page.goto(base + `/help/enquiries/${enquiry}`);
  text = await mainText(page, "customer");
  check(text.includes("Sorry about the jug: a new one is on its way.") && text.includes(MARKUP),
        "story: the customer reads the agent's reply");
  for (const hidden of ["bubble wrap", "960999", "packing.png", "How was the jug packed", "Northwind",
                        "sales@northwind-ceramics.example"])
    check(!text.includes(hidden), `story: the customer does not see "${hidden}"`);
  const download = await page.request.get(base + photoUrl);
  check(download.status() === 404, "story: the customer cannot download the vendor's photo");
  const look = await checking((await customer.context.cookies()).find((c) => c.name === "kapsule_session"));
  await capture(look, "/help/orders/" + (await orderId(customer.page)) + "/enquiry", "customer-raise");
  await look.close();

  // 6. The vendor's view of the order still carries no customer contact details.
  page = vendor.page;
  await page.goto(base + "/vendor");
  text = await page.locator("main").innerText();
  check(!text.includes("900555") && !text.includes("jane.doe@example.com"),
        "story: the vendor's inbox has no customer contact details");
  check(dialogs === 0, `story: no script ran in any page (${dialogs} dialogs)`);
  for (const who of [customer, agent, vendor]) await who.context.close();
}

// The id of the story's order, from the customer's list of orders.
async function orderId(page) {
  await page.goto(base + "/help");
  const href = await page.getByRole("link", { name: `Ask about order ${storyOrder}` }).getAttribute("href");
  return href.split("/")[3];
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
      await page.keyboard.press("Tab"); // the photos
      await page.keyboard.press("Tab"); // the button
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
      const shown = await page.locator(".countdown").first().innerText();
      check(/^(\d+ h )?\d+ min left$|^late by/.test(shown),
            `vendor: the time left counts down on the page ("${shown}")`);
      const look = await checking(session);
      await capture(look, href, "vendor-request");
      await look.close();
    }
    if (p.role === "vendor") {
      const look = await checking(session);
      await capture(look, "/vendor/record", "vendor-record");
      await capture(look, "/notifications", "vendor-notifications");
      await look.close();
    }
    if (p.role === "admin") {
      const look = await checking(session);
      await capture(look, "/desk/overview", "admin-overview");
      await look.close();
    }
    if (p.role === "agent") {
      const look = await checking(session);
      await capture(look, "/desk/violations", "agent-violations");
      await capture(look, "/desk/vendors/1", "agent-vendor");
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
      // The pages' script asks before a refund is sent; "no" sends nothing.
      let asked = "";
      page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
      await page.locator("summary", { hasText: "Refund" }).click();
      await page.getByLabel(/^Amount/).fill("1.00");
      await page.getByLabel("Reason").fill("Checking the question");
      await page.getByRole("button", { name: "Refund", exact: true }).click();
      await page.waitForTimeout(300);
      check(asked.startsWith("Refund this amount"), `agent: a refund is confirmed first ("${asked}")`);
      check(new URL(page.url()).pathname === href, "agent: answering no sends nothing");
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

  await story();
} catch (e) {
  console.error(e.message || e);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
