/**
 * Reads a value piped on stdin (a token, a secret), at most `maxBytes`; a terminal on stdin or an
 * empty input is an error naming `what`, so nothing waits for typing that never comes.
 */
export async function readStdin(what: string, maxBytes: number): Promise<string> {
  if (process.stdin.isTTY) throw new Error(`no ${what}: pass it with an option or pipe it on stdin`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error(`the ${what} on stdin is over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const value = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!value) throw new Error(`no ${what}: stdin was empty`);
  return value;
}
