/**
 * Native HTML constraints (required, minLength, maxLength, min, max, multiple) from a zod schema,
 * so an input's attributes come from the same schema the server validates with, never literals.
 *
 * Why not conform's getZodConstraint alone: it reads lengths and bounds from zod's internal
 * `_zod.bag`, which zod 4.6 no longer fills for string lengths and number bounds, so it returns
 * `required` only. This walks the checks zod keeps in each schema's definition instead, and takes
 * conform's result for everything else (required, multiple). A schema whose rules live in a
 * refinement (the slug) states its limits with `.meta({ constraint: { minLength, maxLength } })`.
 */
import type { Constraint } from "@conform-to/dom";
import { getZodConstraint } from "@conform-to/zod/v4";
import { z } from "zod";

type Def = { type: string; checks?: { _zod: { def: CheckDef } }[]; [key: string]: unknown };
type CheckDef = { check: string; minimum?: number; maximum?: number; value?: number; inclusive?: boolean };
type Schema = { _zod: { def: Def } };

function limitsOf(schema: Schema, into: Constraint): void {
  const def = schema._zod.def;
  const meta = z.globalRegistry.get(schema as unknown as z.ZodType) as { constraint?: Partial<Constraint> } | undefined;
  if (meta?.constraint) Object.assign(into, meta.constraint);
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "min_length" && c.minimum !== undefined) into.minLength = c.minimum;
    else if (c.check === "max_length" && c.maximum !== undefined) into.maxLength = c.maximum;
    else if (c.check === "greater_than" && c.inclusive && typeof c.value === "number") into.min = c.value;
    else if (c.check === "less_than" && c.inclusive && typeof c.value === "number") into.max = c.value;
  }
  // Look through wrappers to the schema that holds the checks.
  for (const inner of ["innerType", "in", "out"] as const) {
    const next = def[inner] as Schema | undefined;
    if (next?._zod) limitsOf(next, into);
  }
}

/** Unwraps optional/default/pipe/readonly to find an object or array schema to descend into. */
function container(schema: Schema): Def | null {
  const def = schema._zod.def;
  if (def.type === "object" || def.type === "array") return def;
  for (const inner of ["innerType", "in", "out"] as const) {
    const next = def[inner] as Schema | undefined;
    if (next?._zod) {
      const found = container(next);
      if (found) return found;
    }
  }
  return null;
}

function collect(schema: Schema, name: string, out: Map<string, Constraint>, depth = 0): void {
  if (depth > 8) return;
  if (name !== "") {
    const extra: Constraint = {};
    limitsOf(schema, extra);
    if (Object.keys(extra).length > 0) out.set(name, extra);
  }
  const def = container(schema);
  if (def?.type === "object") {
    for (const [key, child] of Object.entries(def.shape as Record<string, Schema>))
      collect(child, name ? `${name}.${key}` : key, out, depth + 1);
  } else if (def?.type === "array" && name !== "") {
    collect(def.element as Schema, `${name}[]`, out, depth + 1);
  }
}

export function schemaConstraint(schema: z.ZodType): Record<string, Constraint> {
  const base = getZodConstraint(schema) as Record<string, Constraint | undefined>;
  const extras = new Map<string, Constraint>();
  collect(schema as unknown as Schema, "", extras);
  // conform looks fields up by name ("weekly.1[0].start"); list indices share one entry.
  return new Proxy(base as Record<string, Constraint>, {
    get(target, key, receiver) {
      const found = Reflect.get(target, key, receiver) as Constraint | undefined;
      if (typeof key !== "string") return found;
      const extra = extras.get(key.replace(/\[\d+\]/g, "[]"));
      return extra ? { required: false, ...found, ...extra } : found;
    },
  });
}
