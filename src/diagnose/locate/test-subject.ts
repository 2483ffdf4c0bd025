/**
 * The code a failing test exercises, read from the test's own name: by the usual conventions
 * `FooTest`, `FooTests`, `FooTestCase`, `TestFoo` and `TestFoo_Basics` test `Foo`; `foo_test.go`,
 * `test_foo.py`, `foo.test.ts` test `foo`. A CI failure inside a test is most often a bug in the
 * test's subject, so when the subject is on the stack it leads the suspects, and when it is not
 * (the bug left a bad value that blew up elsewhere) it is still worth a look. `Foo`'s family —
 * `FooImpl`, `AbstractFoo`, `BaseFoo`, `DefaultFoo` — counts as the subject too.
 */
import { isTestFrame } from "../stacktrace/in-app.js";
import type { Frame, ParsedTrace } from "../stacktrace/types.js";

/** The subject of the innermost test frame of a trace. */
export interface TestSubject {
  /** The subject's name (`Foo`), for reasons. */
  name: string;
  /** The test it was read from (`FooTest`). */
  test: string;
  /** File base names without extension that count as the subject. */
  names: string[];
  /** Where the subject's file would be by convention (Java: same package; Go: same folder). */
  file?: string;
  /** The class the subject would be (Java). */
  module?: string;
}

const CLASS_TEST = [/^(.+?)(Tests?|TestCase|IT|Spec)$/, /^Test_?([A-Z][A-Za-z0-9]*)(_\w+)?$/];
const FILE_TEST = [/^(.+)_test$/, /^test_(.+)$/, /^(.+)\.(test|spec)$/];

const baseName = (path: string) => path.replace(/\\/g, "/").split("/").pop()!;
const stem = (path: string) => baseName(path).replace(/\.[^.]+$/, "");
const dirOf = (path: string) => path.replace(/\\/g, "/").split("/").slice(0, -1).join("/");

/** True when a frame's file is the subject's (or one of its family's). */
export function isSubjectFrame(frame: Frame, subject: TestSubject): boolean {
  return subject.names.includes(stem(frame.file));
}

/** The subject of the innermost test frame anywhere in the trace's cause chain, if its name follows a convention. */
export function testSubject(chain: readonly ParsedTrace[]): TestSubject | undefined {
  const language = chain[0]?.language;
  const test = chain.flatMap((t) => t.frames).find((f) => f.inApp && isTestFrame(f));
  if (!test || !language) return undefined;
  const byClass = language === "java" || language === "dotnet";
  const testName = byClass ? (test.module ?? "").split(/[.]/).pop()!.split(/[$+]/)[0]! : stem(test.file);
  const match = (byClass ? CLASS_TEST : FILE_TEST).map((re) => re.exec(testName)).find(Boolean);
  const name = match?.[1];
  if (!name) return undefined;
  const names = [name, `${name}Impl`, `Abstract${name}`, `Base${name}`, `Default${name}`];
  const subject: TestSubject = { name, test: testName, names };
  if (language === "java" && test.module?.includes(".")) {
    const pkg = test.module.slice(0, test.module.lastIndexOf("."));
    subject.module = `${pkg}.${name}`;
    subject.file = `${dirOf(test.file)}/${name}${baseName(test.file).slice(stem(test.file).length)}`;
  } else if (language === "go") subject.file = `${dirOf(test.file) ? `${dirOf(test.file)}/` : ""}${name}.go`;
  return subject;
}
