/** Quotes one word for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A shell command line that runs exactly `argv` (each word quoted, `exec` so no shell stays around). */
export function execLine(argv: string[]): string {
  if (argv.length === 0) throw new Error("execLine needs a program");
  return `exec ${argv.map(shellQuote).join(" ")}`;
}
