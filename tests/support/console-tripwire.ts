/**
 * A console.error tripwire for the unit tests: a test in which console.error was called, and did
 * not say it would be, fails. Code under test logs with console.error when something went wrong
 * that nobody else will notice (a failing listener, a render error), so a silent pass would hide it.
 *
 * A test that provokes such an error on purpose says so first:
 *   expectConsoleError(/listener failed/)  the error must come (at least once) and match;
 *   allowConsoleError()                    anything goes for the rest of this test (use sparingly).
 *
 * Wired in as a setupFiles entry of the unit project (console-tripwire.setup.ts). The state lives
 * on globalThis so that the setup file and a test importing these helpers share it.
 */
import { format } from "node:util";

type Pattern = string | RegExp;

export type ConsoleTripwire = {
  /** Replaces console.error with the recorder; call before each test. */
  arm(): void;
  /** Restores console.error; throws if there was an unexpected call or an expected one never came. */
  disarm(): void;
  allow(): void;
  expect(pattern: Pattern): void;
  armed(): boolean;
};

function matches(message: string, pattern: Pattern): boolean {
  return typeof pattern === "string" ? message.includes(pattern) : pattern.test(message);
}

export function createConsoleTripwire(target: Pick<Console, "error"> = console): ConsoleTripwire {
  let original: Console["error"] | null = null;
  let calls: string[] = [];
  let expected: Pattern[] = [];
  let allowAll = false;

  return {
    arm() {
      if (original) return;
      calls = [];
      expected = [];
      allowAll = false;
      original = target.error;
      const passOn = original;
      target.error = (...args: unknown[]) => {
        const message = format(...args);
        calls.push(message);
        // Unexpected errors are still printed where they happen, to make the failure readable.
        if (!allowAll && !expected.some((p) => matches(message, p))) passOn.apply(target, args);
      };
    },
    disarm() {
      if (!original) return;
      target.error = original;
      original = null;
      const problems: string[] = [];
      if (!allowAll) {
        const unexpected = calls.filter((m) => !expected.some((p) => matches(m, p)));
        for (const m of unexpected) problems.push(`unexpected console.error: ${m.slice(0, 500)}`);
      }
      for (const p of expected) {
        if (!calls.some((m) => matches(m, p))) problems.push(`expected a console.error matching ${String(p)}, none came`);
      }
      if (problems.length > 0) {
        throw new Error(
          `${problems.join("\n")}\n(If the error is the point of the test, call expectConsoleError(pattern) in it: tests/support/console-tripwire.ts.)`,
        );
      }
    },
    allow() {
      allowAll = true;
    },
    expect(pattern) {
      expected.push(pattern);
    },
    armed() {
      return original !== null;
    },
  };
}

declare global {
  var __consoleTripwire: ConsoleTripwire | undefined;
}

/** The tripwire of this test worker (created on first use). */
export function consoleTripwire(): ConsoleTripwire {
  globalThis.__consoleTripwire ??= createConsoleTripwire();
  return globalThis.__consoleTripwire;
}

/** This test provokes a console.error on purpose: it must come and match `pattern`. */
export function expectConsoleError(pattern: Pattern): void {
  consoleTripwire().expect(pattern);
}

/** This test may call console.error any number of times (prefer expectConsoleError). */
export function allowConsoleError(): void {
  consoleTripwire().allow();
}
