import { createContext, useContext } from "react";

/**
 * The request's CSP nonce (server render only; see app/server/hardening.server.ts). Browsers hide
 * nonce attributes from scripts, so on the client it is undefined and Remix's script components
 * suppress the hydration difference.
 */
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
