import { describe, expect, it } from "vitest";
import { assertPublicUrl, isPrivateAddress, PrivateAddressError } from "~/modules/calendar/network-guard.server";

describe("calendar addresses may not reach internal networks", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.10",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
  ])("%s is private", (ip) => expect(isPrivateAddress(ip)).toBe(true));
  it.each(["17.253.144.10", "8.8.8.8", "2a00:1450:4001:80b::200e"])("%s is public", (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it("refuses loopback URLs unless the operator allows private networks", async () => {
    await expect(assertPublicUrl("http://127.0.0.1:5232/", false)).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(assertPublicUrl("http://[::1]:5232/", false)).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(assertPublicUrl("http://localhost:5232/", false)).rejects.toThrow(/private network/);
    await expect(assertPublicUrl("http://127.0.0.1:5232/", true)).resolves.toBeUndefined();
    await expect(assertPublicUrl("https://17.253.144.10/", false)).resolves.toBeUndefined();
  });
});
