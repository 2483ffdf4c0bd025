/**
 * Who sent a request, as far as bounding what one client may do: its remote address, with an
 * IPv4-mapped IPv6 address as its IPv4 address and any other IPv6 address cut to its /64 prefix
 * (one host or site is handed a whole /64, so its addresses are one client). Never parsed from a
 * header: `X-Forwarded-For` is whatever the client wrote.
 */

/** The client key of a remote address (see the module comment); undefined when there is none. */
export function clientKey(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.toLowerCase().split("%", 1)[0]!.split("::", 2);
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? front : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
