/**
 * The console.error tripwire (tests/support/console-tripwire.ts): armed in every unit test, fails
 * a test on an unexpected console.error, lets an announced one through, and fails when an
 * announced one never comes. Checked on the mechanism, on a real error of the app, and on a
 * planted test file run by vitest itself with the unit project's own setup.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { announceProviderChanged, onProviderChanged } from "~/server/provider-events.server";
import { consoleTripwire, createConsoleTripwire, expectConsoleError } from "../support/console-tripwire";

const ROOT = path.resolve(__dirname, "../..");

function fakeConsole() {
  const printed: unknown[][] = [];
  return { printed, target: { error: (...args: unknown[]) => void printed.push(args) } };
}

describe("the tripwire itself", () => {
  it("is armed in every unit test (setupFiles of the unit project)", () => {
    expect(consoleTripwire().armed()).toBe(true);
  });

  it("passes a test without console.error (positive control)", () => {
    const { target } = fakeConsole();
    const t = createConsoleTripwire(target);
    t.arm();
    expect(() => t.disarm()).not.toThrow();
  });

  it("fails on an unexpected call, and still prints it", () => {
    const { printed, target } = fakeConsole();
    const t = createConsoleTripwire(target);
    t.arm();
    target.error("boom %s", "here", { a: 1 });
    expect(() => t.disarm()).toThrow(/unexpected console\.error: boom here \{ a: 1 \}/);
    expect(printed).toHaveLength(1);
  });

  it("lets an expected error through silently, and fails if an expected error never came", () => {
    const { printed, target } = fakeConsole();
    const t = createConsoleTripwire(target);
    t.arm();
    t.expect(/listener failed/);
    target.error("[events] listener failed: x");
    expect(() => t.disarm()).not.toThrow();
    expect(printed).toHaveLength(0);

    t.arm();
    t.expect("listener failed");
    expect(() => t.disarm()).toThrow(/expected a console\.error matching listener failed, none came/);

    // An expectation covers only what matches it.
    t.arm();
    t.expect(/listener failed/);
    target.error("[events] listener failed: x");
    target.error("something else");
    expect(() => t.disarm()).toThrow(/unexpected console\.error: something else/);
  });

  it("allow() lets everything through for the rest of the test, and restores console.error", () => {
    const { target } = fakeConsole();
    const before = target.error;
    const t = createConsoleTripwire(target);
    t.arm();
    expect(target.error).not.toBe(before);
    t.allow();
    target.error("anything");
    expect(() => t.disarm()).not.toThrow();
    expect(target.error).toBe(before);
  });
});

describe("an error provoked on purpose", () => {
  it("a failing provider-changed listener is logged and does not stop the others", () => {
    // The log line is the point: a broken cache listener must be visible, not silent.
    expectConsoleError(/\[events\] provider-changed listener failed: listener broke/);
    const heard: string[] = [];
    const offBroken = onProviderChanged(() => {
      throw new Error("listener broke");
    });
    const offGood = onProviderChanged((id) => heard.push(id));
    try {
      announceProviderChanged("owner-1");
    } finally {
      offBroken();
      offGood();
    }
    expect(heard).toEqual(["owner-1"]);
  });
});

describe("planted test file, run by vitest with the unit project's setup", () => {
  it("fails exactly the test with an unexpected console.error", () => {
    // Inside the repository so that "vitest" resolves; a dot folder and a name outside the unit
    // project's include pattern, so no other run picks it up.
    const dir = fs.mkdtempSync(path.join(ROOT, "tests", "unit", ".planted-tripwire-"));
    try {
      fs.writeFileSync(
        path.join(dir, "planted.spec.ts"),
        [
          'import { it } from "vitest";',
          `import { expectConsoleError } from ${JSON.stringify(path.join(ROOT, "tests/support/console-tripwire.ts"))};`,
          'it("clean", () => {});',
          'it("unexpected", () => { console.error("planted error"); });',
          'it("announced", () => { expectConsoleError("planted"); console.error("planted error"); });',
          'it("announced but missing", () => { expectConsoleError("never said"); });',
          "",
        ].join("\n"),
      );
      // The unit project's real configuration, only pointed at the planted file.
      fs.writeFileSync(
        path.join(dir, "vitest.planted.config.ts"),
        [
          `import base from ${JSON.stringify(path.join(ROOT, "vitest.config.ts"))};`,
          "const unit = (base as any).test.projects.find((p: any) => p.test.name === 'unit');",
          `const root = ${JSON.stringify(ROOT)};`,
          "export default { ...unit, root, test: { ...unit.test, name: 'planted', include: [",
          `  ${JSON.stringify(path.relative(ROOT, path.join(dir, "planted.spec.ts")))}] } };`,
          "",
        ].join("\n"),
      );
      const report = path.join(dir, "report.json");
      const run = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules/vitest/vitest.mjs"),
          "run",
          "--config",
          path.join(dir, "vitest.planted.config.ts"),
          "--reporter=json",
          `--outputFile=${report}`,
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 90_000, env: { ...process.env, FORCE_COLOR: "0" } },
      );
      expect(fs.existsSync(report), `${run.stdout}\n${run.stderr}`).toBe(true);
      const json = JSON.parse(fs.readFileSync(report, "utf8")) as {
        testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
      };
      const results = Object.fromEntries(json.testResults.flatMap((f) => f.assertionResults).map((a) => [a.title, a]));
      expect(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.status]))).toEqual({
        clean: "passed",
        unexpected: "failed",
        announced: "passed",
        "announced but missing": "failed",
      });
      expect(results.unexpected.failureMessages.join("\n")).toContain("unexpected console.error: planted error");
      expect(run.status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
