import { getInputProps, getTextareaProps, useForm, type DefaultValue, type FieldMetadata, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { useActionData, useNavigation } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import { schemaConstraint } from "./zod-constraint";

/** The error list under a field; its id is what aria-describedby points at. */
export function FieldErrors({ field }: { field: Pick<FieldMetadata<unknown>, "errorId" | "errors"> }) {
  if (!field.errors?.length) return null;
  return (
    <div id={field.errorId} className="error" role="alert">
      {field.errors.map((e) => (
        <p key={e} style={{ margin: 0 }}>
          {e}
        </p>
      ))}
    </div>
  );
}

/**
 * Form-level errors. Also shows the route's `stale` action message (see staleReply): conform
 * forgets errors when it resets a form to the reloaded version, which is exactly that case.
 */
export function FormErrors({ id, errors, showStale = true }: { id: string; errors?: string[]; showStale?: boolean }) {
  const actionData = useActionData<{ stale?: unknown } | undefined>();
  const stale = showStale && typeof actionData?.stale === "string" ? [actionData.stale] : [];
  const all = [...new Set([...(errors ?? []), ...stale])];
  if (!all.length) return null;
  return (
    <div id={id} className="banner err" role="alert">
      {all.map((e) => (
        <p key={e} style={{ margin: 0 }}>
          {e}
        </p>
      ))}
    </div>
  );
}

/** A submit button that says what is happening while the form is on its way (JS only). */
export function SubmitButton({
  children,
  pendingText,
  intent,
  className,
}: {
  children: ReactNode;
  pendingText: string;
  intent?: string;
  className?: string;
}) {
  const navigation = useNavigation();
  // Several forms on one page: only the one whose hidden `intent` was sent shows as pending.
  const pending = navigation.state === "submitting" && (intent ? navigation.formData?.get("intent") === intent : true);
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending}>
      {pending ? pendingText : children}
    </button>
  );
}

/** Without JavaScript the browser puts the focus nowhere after a POST; this moves it to the first error. */
export function firstErrorField(error: Record<string, string[] | null> | undefined | null, order: string[]): string | undefined {
  if (!error) return undefined;
  return order.find((name) => error[name]?.length);
}

export function SavedBanner({ show, children = "Saved." }: { show: boolean; children?: ReactNode }) {
  if (!show) return null;
  return (
    <p className="banner ok" role="status">
      {children}
    </p>
  );
}

/**
 * Every form's conform setup in one place: native HTML constraints from the zod schema apply
 * until hydration (and without JavaScript); after it, conform validates on blur and revalidates
 * as the user types, with the same schema and messages the server action uses.
 */
export function useZodForm<S extends z.ZodType<unknown, Record<string, unknown>>>(
  schema: S,
  options: { id: string; lastResult?: SubmissionResult<string[]> | null; defaultValue?: DefaultValue<z.input<S>> },
) {
  return useForm<z.input<S>, z.output<S>>({
    defaultNoValidate: false,
    id: options.id,
    lastResult: options.lastResult,
    defaultValue: options.defaultValue,
    constraint: schemaConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
}

type FieldMeta = FieldMetadata<unknown>;
type InputType = Parameters<typeof getInputProps>[1]["type"];
type ExtraInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id" | "type" | "defaultValue" | "form">;

function LabelAndHint({ field, label, hint, hintId }: { field: FieldMeta; label: ReactNode; hint?: ReactNode; hintId: string }) {
  return (
    <>
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </>
  );
}

/**
 * One labelled input: label, optional hint (wired into aria-describedby), the input with the
 * native constraints conform derives from the zod schema, and the field's error list.
 */
export function Field({
  field,
  label,
  hint,
  hintId = `${field.id}-hint`,
  type = "text",
  autoFocus,
  inputProps,
}: {
  field: FieldMeta;
  label: ReactNode;
  hint?: ReactNode;
  hintId?: string;
  type?: Exclude<InputType, "checkbox" | "radio">;
  autoFocus?: boolean;
  inputProps?: ExtraInputProps;
}) {
  return (
    <>
      <LabelAndHint field={field} label={label} hint={hint} hintId={hintId} />
      <input {...getInputProps(field, { type, ariaDescribedBy: hint ? hintId : undefined })} autoFocus={autoFocus} {...inputProps} />
      <FieldErrors field={field} />
    </>
  );
}

/** A checkbox with its label beside it, and the field's error list. */
export function CheckboxField({ field, label, autoFocus }: { field: FieldMeta; label: ReactNode; autoFocus?: boolean }) {
  return (
    <>
      <label className="check" htmlFor={field.id}>
        <input {...getInputProps(field, { type: "checkbox" })} autoFocus={autoFocus} />
        {label}
      </label>
      <FieldErrors field={field} />
    </>
  );
}

/** A labelled textarea with hint and errors, like Field. */
export function TextareaField({
  field,
  label,
  hint,
  hintId = `${field.id}-hint`,
  autoFocus,
  textareaProps,
}: {
  field: FieldMeta;
  label: ReactNode;
  hint?: ReactNode;
  hintId?: string;
  autoFocus?: boolean;
  textareaProps?: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id" | "defaultValue" | "form">;
}) {
  return (
    <>
      <LabelAndHint field={field} label={label} hint={hint} hintId={hintId} />
      <textarea {...getTextareaProps(field, { ariaDescribedBy: hint ? hintId : undefined })} autoFocus={autoFocus} {...textareaProps} />
      <FieldErrors field={field} />
    </>
  );
}
