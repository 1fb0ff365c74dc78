/**
 * The lint rules that hold the layout must fail on a planted violation, and pass the same import
 * in its allowed place (the positive control), or they prove nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const cases: { what: string; file: string; code: string; rule: string; allowed: { file: string; code: string } }[] = [
  {
    what: "server/ importing a module",
    file: "app/server/planted.server.ts",
    code: 'import { readSettings } from "~/modules/settings/stored";\nexport const x = readSettings;\n',
    rule: "no-restricted-imports",
    allowed: {
      file: "app/modules/settings/planted.server.ts",
      code: 'import { readSettings } from "~/modules/settings/stored";\nexport const x = readSettings;\n',
    },
  },
  {
    what: "a module importing a route",
    file: "app/modules/settings/planted.server.ts",
    code: 'import { loader } from "~/routes/settings.hours";\nexport const x = loader;\n',
    rule: "no-restricted-imports",
    allowed: {
      file: "app/routes/planted.tsx",
      code: 'import { loadSection } from "~/modules/settings/provider-context.server";\nexport const x = loadSection;\n',
    },
  },
  {
    what: "withService outside the public-read owners",
    file: "app/modules/settings/planted.server.ts",
    code: 'import { withService } from "~/server/db.server";\nexport const x = withService;\n',
    rule: "no-restricted-imports",
    allowed: {
      file: "app/modules/booking-page/published-provider.server.ts",
      code: 'import { withService } from "~/server/db.server";\nexport const x = withService;\n',
    },
  },
  {
    what: "a pure module file importing Node",
    file: "app/modules/booking-page/planted.ts",
    code: 'import fs from "node:fs";\nexport const x = fs;\n',
    rule: "no-restricted-imports",
    allowed: { file: "app/modules/booking-page/planted.server.ts", code: 'import fs from "node:fs";\nexport const x = fs;\n' },
  },
  {
    what: "a pure module file importing server code",
    file: "app/modules/settings/planted.ts",
    code: 'import { getEnv } from "~/server/env.server";\nexport const x = getEnv;\n',
    rule: "no-restricted-imports",
    allowed: {
      file: "app/modules/settings/planted.server.ts",
      code: 'import { getEnv } from "~/server/env.server";\nexport const x = getEnv;\n',
    },
  },
];

describe("layout lint rules", () => {
  for (const c of cases) {
    it(`refuses ${c.what}, allows it where it belongs`, async () => {
      expect((await problems(c.file, c.code)).some((p) => p.startsWith(c.rule))).toBe(true);
      expect(await problems(c.allowed.file, c.allowed.code)).toEqual([]);
    });
  }

  const dir = path.join(ROOT, "app/modules/planted-cycle");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it("refuses an import cycle, allows a one-way import", async () => {
    fs.mkdirSync(dir, { recursive: true });
    // Separate files for each case: the plugin caches what each file exports within one process.
    fs.writeFileSync(path.join(dir, "one.ts"), 'import { two } from "./two";\nexport const one = () => two;\n');
    fs.writeFileSync(path.join(dir, "two.ts"), "export const two = 1;\n");
    fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = () => b;\n');
    fs.writeFileSync(path.join(dir, "b.ts"), 'import { a } from "./a";\nexport const b = 1;\nexport const c = a;\n');
    const [oneWay, cyclic] = await new ESLint({ cwd: ROOT }).lintFiles([path.join(dir, "one.ts"), path.join(dir, "a.ts")]);
    expect(oneWay.messages).toEqual([]);
    expect(cyclic.messages.map((m) => m.ruleId)).toContain("import-x/no-cycle");
  });
});
