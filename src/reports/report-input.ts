import { TooLargeError, ValidationError } from "../common/errors.js";

/** Default size limit of one report file: 32 MiB. */
export const DEFAULT_MAX_REPORT_BYTES = 32 * 1024 * 1024;

/** Longest failure message or details text kept per test case, in characters. */
const MAX_TEXT_CHARS = 8 * 1024;

/** Options shared by every report parser. */
export interface ReportInputOptions {
  /** Size limit in bytes (default 32 MiB); larger input is a TooLargeError. */
  maxBytes?: number;
  /** Name of the report file, used in error messages. */
  file?: string;
}

/** How a report is named in messages: `JUnit report 'out/junit.xml'` or just `JUnit report`. */
export function describeReport(kind: string, file?: string): string {
  return file === undefined ? kind : `${kind} '${file}'`;
}

/**
 * Turns raw report input into text, enforcing the size limit before anything else is done and
 * rejecting binary data. UTF-8 (with or without BOM) and UTF-16 with a BOM are understood.
 */
export function readReportText(input: string | Buffer, what: string, expected: string, maxBytes?: number): string {
  const limit = maxBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.length;
  if (size > limit) throw new TooLargeError(what, size, limit);
  const text = typeof input === "string" ? input : decode(input);
  const head = text.slice(0, 8192);
  if (head.includes("\u0000")) {
    throw new ValidationError(`${what} is binary data, expected ${expected}`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new ValidationError(`${what} is empty, expected ${expected}`);
  return body;
}

function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString("utf16le");
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString("utf16le");
  return buf.toString("utf8");
}

/** Cuts `text` to `max` characters, saying so at the end. */
export function capText(text: string, max = MAX_TEXT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [truncated ${text.length - max} characters]`;
}
