import { describe, expect, it } from "vitest";
import { z } from "zod";
import { schemaConstraint } from "~/components/zod-constraint";
import { PASSWORD_MIN, signInSchema, signUpSchema } from "~/modules/auth/schemas";
import {
  BOOKING_LIMITS,
  bookingSchema,
  calendarSelectionSchema,
  workingHoursFormSchema,
  DISPLAY_NAME_MAX_LENGTH,
  profileSchema,
  TEMPLATE_MAX_LENGTH,
  whatsappSchema,
} from "~/modules/settings/schemas";
import { SLUG_RULES } from "~/modules/settings/slug";

describe("native constraints come from the zod schemas", () => {
  it("booking numbers carry min/max from BOOKING_LIMITS", () => {
    const c = schemaConstraint(bookingSchema);
    for (const [name, limits] of Object.entries(BOOKING_LIMITS)) {
      // The step may stay empty (it then equals the slot length); the rest are required.
      expect(c[name]).toMatchObject({ required: name !== "stepMinutes", min: limits.min, max: limits.max });
    }
  });

  it("text lengths: display name, template, slug (declared with meta)", () => {
    expect(schemaConstraint(profileSchema).displayName).toMatchObject({ required: false, maxLength: DISPLAY_NAME_MAX_LENGTH });
    expect(schemaConstraint(profileSchema).publicSlug).toMatchObject({
      required: true,
      minLength: SLUG_RULES.minLength,
      maxLength: SLUG_RULES.maxLength,
    });
    expect(schemaConstraint(whatsappSchema).messageTemplate).toMatchObject({ required: true, maxLength: TEMPLATE_MAX_LENGTH });
  });

  it("keeps conform's own answers (required, multiple, list entries)", () => {
    const c = schemaConstraint(calendarSelectionSchema);
    expect(c.selectedCalendarIds).toMatchObject({ required: false, multiple: true });
    expect(c.version).toMatchObject({ required: false });
    expect(schemaConstraint(workingHoursFormSchema).timezone).toMatchObject({ required: true });
  });

  it("reaches fields inside lists of objects", () => {
    const schema = z.object({ ranges: z.array(z.object({ note: z.string().max(12) })) });
    expect(schemaConstraint(schema)["ranges[2].note"]).toMatchObject({ maxLength: 12 });
    // Control: a field without limits has none added.
    expect(schemaConstraint(schema)["ranges[2].nope"]).toBeUndefined();
  });

  it("auth forms: password minimum from the schema", () => {
    expect(schemaConstraint(signUpSchema).password).toMatchObject({ required: true, minLength: PASSWORD_MIN, maxLength: 200 });
    expect(schemaConstraint(signInSchema).email).toMatchObject({ required: true });
  });
});
