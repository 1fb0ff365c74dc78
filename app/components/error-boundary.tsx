import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

type StatusHandler = (info: { status: number; data: unknown }) => ReactNode;

/**
 * The one error boundary: the root, the settings layout (so an error in one section keeps the
 * navigation and sign-out around it) and the public page use it, each with its own words for the
 * statuses it expects. Never shows a stack or an internal message.
 */
export function GeneralErrorBoundary({
  statusHandlers = {},
  defaultHandler = defaultStatusHandler,
}: {
  statusHandlers?: Partial<Record<number, StatusHandler>>;
  defaultHandler?: StatusHandler;
}) {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // Only a Response we threw ourselves carries words meant for people; a thrown Error never shows.
  const data = isRouteErrorResponse(error) ? error.data : null;
  const handler = statusHandlers[status] ?? defaultHandler;
  return <div className="error-boundary">{handler({ status, data })}</div>;
}

export function defaultStatusHandler({ status, data }: { status: number; data: unknown }) {
  const title =
    status === 404
      ? "Page not found"
      : status === 403
        ? "Not allowed"
        : status === 503
          ? "Temporarily unavailable"
          : "Something went wrong";
  // A string body from our own `throw new Response("…")` is written for people; anything else is not shown.
  const text =
    status === 404
      ? "There is nothing at this address. Check the link you were given."
      : typeof data === "string" && data.length > 0
        ? data
        : "Please try again in a moment.";
  return (
    <>
      <h1>{title}</h1>
      <p>{text}</p>
    </>
  );
}
