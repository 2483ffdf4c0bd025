/**
 * Reads what kind of failure a trace shows from its exception type and message, per language:
 * a missing (null/undefined/None/nil) value and what was accessed on it, a division by zero, an
 * index out of range, a missing dict key, or input that did not parse. The pattern fixers look
 * for the failing expression of that kind on the suspect line.
 */
import type { ParsedTrace } from "../../../diagnose/index.js";

/** The kinds of failure the pattern fixers repair. */
export type FailureKind = "null" | "not-function" | "div-zero" | "index" | "key" | "parse";

/** What the exception says about the failure. */
export interface FailureSignal {
  kind: FailureKind;
  /** `Type: message` of the exception, for explanations. */
  summary: string;
  /** Property, attribute, field or method accessed on the missing value (`name` in `user.name`). */
  member?: string;
  /** What was missing as the message names it: a variable or field (`user`, `this.items`). */
  subject?: string;
  /** The method whose return value was missing (Java `because the return value of "X.find()"`). */
  returnOf?: string;
  /** How the missing value was used. */
  use?: "member" | "call" | "index" | "iterate" | "operand" | "unbox" | "argument";
  /** Python `unsupported operand`: which operand was None. */
  operand?: "left" | "right";
  /** Missing key (Python KeyError). */
  key?: string;
  /** Index and length of an out-of-range access, when printed. */
  index?: number;
  length?: number;
  /** What failed to parse. */
  parse?: "json" | "int" | "float";
  /** The callee text of `x.y is not a function`. */
  callee?: string;
}

type Reader = (type: string, message: string) => Omit<FailureSignal, "summary"> | undefined;

const node: Reader = (type, message) => {
  let m = /^Cannot (?:read|set) propert(?:y|ies) of (?:undefined|null) \((?:reading|setting) '([^']*)'\)/.exec(message);
  m ??= /^Cannot (?:read|set) property '([^']*)' of (?:undefined|null)/.exec(message);
  if (m) return { kind: "null", member: m[1], use: "member" };
  m = /^Cannot destructure property '([^']*)' of '([^']*)' as it is (?:undefined|null)/.exec(message);
  if (m) return { kind: "null", member: m[1], subject: m[2], use: "member" };
  m = /^(.+) is not iterable/.exec(message);
  if (m && type === "TypeError") return { kind: "null", subject: m[1], use: "iterate" };
  m = /^(.+?) is not a function/.exec(message);
  if (m && type === "TypeError") return { kind: "not-function", callee: m[1], use: "call" };
  if (type === "SyntaxError" && /JSON|Unexpected (token|end|non-whitespace)/.test(message))
    return { kind: "parse", parse: "json" };
  return undefined;
};

const python: Reader = (type, message) => {
  const base = type.slice(type.lastIndexOf(".") + 1);
  let m = /^'NoneType' object has no attribute '([^']*)'/.exec(message);
  if (m) return { kind: "null", member: m[1], use: "member" };
  if (/^'NoneType' object is not subscriptable/.test(message)) return { kind: "null", use: "index" };
  if (/'NoneType' object is not iterable|non-iterable NoneType/.test(message)) return { kind: "null", use: "iterate" };
  if (/^'NoneType' object is not callable/.test(message)) return { kind: "null", use: "call" };
  // a builtin got None as its argument: len(None), int(None), open(None)
  if (
    /^object of type 'NoneType' has no len\(\)|^\w+\(\) argument must be .*, not 'NoneType'$|^expected .*, not NoneType$/.test(
      message,
    )
  )
    return { kind: "null", use: "argument" };
  m = /^unsupported operand type\(s\) for [^:]+: '(\w+)' and '(\w+)'/.exec(message);
  if (m && (m[1] === "NoneType" || m[2] === "NoneType"))
    return { kind: "null", use: "operand", operand: m[1] === "NoneType" ? "left" : "right" };
  if (base === "ZeroDivisionError") return { kind: "div-zero" };
  if (base === "IndexError") return { kind: "index" };
  if (base === "KeyError") {
    const key = /^'(.*)'$|^"(.*)"$|^(-?\d+)$/.exec(message);
    return { kind: "key", key: key ? (key[1] ?? key[2] ?? key[3]) : undefined };
  }
  if (base === "JSONDecodeError") return { kind: "parse", parse: "json" };
  if (base === "ValueError" && /^invalid literal for int\(\)/.test(message)) return { kind: "parse", parse: "int" };
  if (base === "ValueError" && /^could not convert string to float/.test(message))
    return { kind: "parse", parse: "float" };
  return undefined;
};

const java: Reader = (type, message) => {
  const base = type.slice(type.lastIndexOf(".") + 1);
  if (base === "NullPointerException") {
    const out: Omit<FailureSignal, "summary"> = { kind: "null", use: "member" };
    const invoke = /^Cannot invoke "(?:[\w.$]+\.)?(\w+)\(/.exec(message);
    const field = /^Cannot (?:read|assign) field "(\w+)"/.exec(message);
    if (invoke) out.member = invoke[1];
    else if (field) out.member = field[1];
    else if (/^Cannot (?:load from|store to) \w+ array|^Cannot read the array length/.test(message)) out.use = "index";
    if (invoke && /^(int|long|double|float|short|byte|char|boolean)Value$/.test(invoke[1]!)) out.use = "unbox";
    const returned = /because the return value of "(?:[\w.$]+\.)?(\w+)\(/.exec(message);
    const named = /because "([^"]+)" is null/.exec(message);
    if (returned) out.returnOf = returned[1];
    else if (named) out.subject = named[1];
    return out;
  }
  if (base === "ArithmeticException" && /by zero/.test(message)) return { kind: "div-zero" };
  if (/IndexOutOfBoundsException$/.test(base)) {
    const m = /Index (-?\d+) out of bounds for length (\d+)/.exec(message);
    return { kind: "index", index: m ? Number(m[1]) : undefined, length: m ? Number(m[2]) : undefined };
  }
  if (base === "NumberFormatException") return { kind: "parse", parse: /Double|Float/.test(message) ? "float" : "int" };
  return undefined;
};

const go: Reader = (type, message) => {
  const text = `${type}: ${message}`;
  if (/nil pointer dereference|nil map/.test(text)) return { kind: "null", use: "member" };
  if (/integer divide by zero/.test(text)) return { kind: "div-zero" };
  const m = /index out of range \[(-?\d+)\] with length (\d+)/.exec(text);
  if (m) return { kind: "index", index: Number(m[1]), length: Number(m[2]) };
  if (/slice bounds out of range|index out of range/.test(text)) return { kind: "index" };
  return undefined;
};

const readers: Record<string, Reader> = { node, python, java, go };

/** The failure signal of a trace (root cause first, then the exceptions wrapping it). */
export function readFailureSignal(trace: ParsedTrace): FailureSignal | undefined {
  const reader = readers[trace.language];
  if (!reader) return undefined;
  const chain = [trace, ...(trace.causes ?? [])].reverse();
  for (const t of chain) {
    const found = reader(t.exception.type, t.exception.message);
    if (found) return { ...found, summary: `${t.exception.type}: ${t.exception.message}` };
  }
  return undefined;
}
