// setupFiles entry of the unit project (vitest.config.ts): arms the console.error tripwire around
// every test; an unexpected console.error fails the test it happened in (see console-tripwire.ts).
import { afterEach, beforeEach } from "vitest";
import { consoleTripwire } from "./console-tripwire";

beforeEach(() => {
  consoleTripwire().arm();
});

afterEach(() => {
  consoleTripwire().disarm();
});
