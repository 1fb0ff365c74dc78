/**
 * The one GeneralErrorBoundary, as people see it without JavaScript: an error inside a settings
 * section keeps the section navigation and sign-out around it; the public page and the root say
 * what happened in words, never with a stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, startAppServer, type AppServer, type FormClient } from "../support/app-server";

let app: AppServer;
let client: FormClient;
beforeAll(async () => {
  app = await startAppServer();
  client = await signIn(app.url, "demo@example.com", "demo-password-123");
});
afterAll(() => app?.stop());

describe("error boundaries", () => {
  it("an unknown action in a section renders inside the settings layout (nav and sign-out kept)", async () => {
    const res = await client.post("/settings/calendar", { intent: "no-such-action" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Unknown action");
    expect(html).toContain('aria-label="Settings sections"');
    expect(html).toContain('action="/logout"');
    expect(html).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("control: the same section renders normally with its navigation", async () => {
    const res = await client.get("/settings/calendar");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('aria-label="Settings sections"');
    expect(html).not.toContain("Something went wrong");
  });

  it("an unknown public page is a 404 in words from the page's own boundary", async () => {
    const res = await fetch(`${app.url}/c/no-such-provider`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("There is no booking page at this address");
    expect(html).toContain("<title>Page not found</title>");
  });

  it("an unknown address outside both is the root boundary's 404", async () => {
    const res = await fetch(`${app.url}/no/such/page`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is nothing at this address");
  });
});
