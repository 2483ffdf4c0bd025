/**
 * What an exception says about where its bug is. A **fault** is raised by the runtime at the
 * faulty operation inside app code (a null dereference, a bad cast or index, a division by zero):
 * the line that raised it is the prime suspect, even inside a method called `validate…`. A
 * **limit** is bookkeeping that gave up (an iteration or evaluation counter ran out): the loop
 * that kept going is at fault, not the counter. Everything else is a **check** — a condition the
 * code or a library tested on purpose (`IllegalArgumentException`, `ValueError`, a domain
 * exception): the checker may be right and its input wrong, so callers and the code the failing
 * test exercises share the suspicion.
 */
import type { ParsedTrace } from "../stacktrace/types.js";

/** How an exception came about (see the module comment). */
export type ExceptionKind = "fault" | "limit" | "check";

const FAULT_TYPE =
  /(^|[.$])(NullPointerException|ClassCastException|ArrayIndexOutOfBoundsException|StringIndexOutOfBoundsException|NegativeArraySizeException|ArrayStoreException|ArithmeticException|ConcurrentModificationException|StackOverflowError|NullReferenceException|InvalidCastException|IndexOutOfRangeException|DivideByZeroException|AttributeError|TypeError|KeyError|IndexError|ZeroDivisionError|NameError|UnboundLocalError|RecursionError|ReferenceError|RangeError)$/;
/** Go panics raised by the runtime: `runtime error: invalid memory address…`, `…index out of range…`. */
const GO_RUNTIME_ERROR = /\bruntime error:/;
const LIMIT_TYPE = /(TooMany|MaxCount|MaxIterations|Exceeded)\w*(Exception|Error)$/;
/** Messages the JVM writes for a null dereference (JDK 14+); a message of its own means `throw new NullPointerException("…")`. */
const JVM_NPE_MESSAGE = /^Cannot /;

/** Classifies the exception of `trace` (one exception of a chain). */
export function exceptionKind(trace: ParsedTrace): ExceptionKind {
  const { type, message } = trace.exception;
  if (trace.language === "go") return GO_RUNTIME_ERROR.test(`${type} ${message}`) ? "fault" : "check";
  const raisedInApp = trace.frames[0]?.inApp === true;
  if (LIMIT_TYPE.test(type)) return raisedInApp ? "limit" : "check";
  if (!FAULT_TYPE.test(type) || !raisedInApp) return "check";
  if (/NullPointerException$/.test(type) && message && !JVM_NPE_MESSAGE.test(message)) return "check";
  return "fault";
}
