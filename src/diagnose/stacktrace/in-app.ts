/**
 * Which frames are the application's own code. Without configured app prefixes a frame is in-app
 * unless it belongs to the language runtime, a dependency or a test framework (per-language
 * defaults below). With prefixes, exactly the frames matching one of them are in-app.
 */
import type { Frame, Language, ParsedTrace } from "./types.js";

const JAVA_LIBRARY = [
  "java.",
  "javax.",
  "jakarta.",
  "sun.",
  "com.sun.",
  "jdk.",
  "kotlin.",
  "kotlinx.",
  "scala.",
  "groovy.",
  "org.codehaus.groovy.",
  "org.junit.",
  "junit.",
  "org.testng.",
  "org.apache.tools.ant.",
  "org.apache.maven.",
  "org.gradle.",
  "org.springframework.",
  "io.netty.",
  "org.hibernate.",
  "org.eclipse.jetty.",
  "org.apache.catalina.",
  "org.apache.coyote.",
  "org.apache.tomcat.",
  "org.jboss.",
  "reactor.",
  "io.reactivex.",
  "com.google.common.",
  "com.google.inject.",
  "net.bytebuddy.",
  "org.mockito.",
  "org.easymock.",
  "org.hamcrest.",
  "org.assertj.",
  "com.intellij.",
  "worker.org.gradle.",
  "akka.",
  "io.vertx.",
  "io.undertow.",
  "org.glassfish.",
];
const DOTNET_LIBRARY = ["System.", "Microsoft.", "Xunit.", "NUnit.", "Castle.", "Newtonsoft.", "Npgsql.", "Grpc."];
const PYTHON_LIBRARY = [
  /[/\\](site|dist)-packages[/\\]/,
  /[/\\]lib[/\\](python|pypy)[\d.]*[/\\]/i,
  /^<frozen /,
  /^<(string|stdin)>$/,
  /[/\\]Python\d*[/\\]Lib[/\\]/,
];
const GO_LIBRARY = [
  /^runtime\//,
  /\/go\/pkg\/mod\//,
  /(^|\/)vendor\//,
  /\/(usr\/local|usr\/lib|opt\/hostedtoolcache)\/go[^/]*\/src\//,
  /^\/go\/src\/(runtime|net|testing|sync|reflect|internal)\//,
];
const GO_STD =
  /^(runtime|testing|reflect|sync|syscall|os|fmt|io|bufio|context|errors|log|net|internal|encoding|database\/sql|strconv|strings|bytes|sort|time|text|html|crypto)(\/|$)/;
const NODE_LIBRARY = [
  /(^|[/\\])node_modules[/\\]/,
  /^node:/,
  /^internal[/\\]/,
  /^native$/,
  /^<anonymous>$/,
  /^index \d+$/,
  /^(events|timers|fs|net|_stream_\w+|module)\.js$/,
];

/** True when a frame belongs to the runtime, a dependency or a test framework (default rules). */
export function isLibraryFrame(language: Language, frame: Pick<Frame, "file" | "module" | "function">): boolean {
  const file = frame.file.replace(/\\/g, "/");
  switch (language) {
    case "java":
      return JAVA_LIBRARY.some((p) => (frame.module ?? "").startsWith(p)) || (frame.module ?? "").startsWith("$Proxy");
    case "dotnet":
      return DOTNET_LIBRARY.some((p) => (frame.module ?? "").startsWith(p));
    case "python":
      return PYTHON_LIBRARY.some((re) => re.test(file));
    case "go":
      return GO_LIBRARY.some((re) => re.test(file)) || GO_STD.test(frame.module ?? "");
    case "node":
      return NODE_LIBRARY.some((re) => re.test(file));
  }
}

const TEST_CLASS = /^(Test[A-Z_]\w*|\w*(Test|Tests|TestCase|IT|Spec))(\$|$)/;
const TEST_PATH =
  /(^|\/)(src\/test|tests?|__tests__|spec)\/|(^|\/)test_[^/]+\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$|Tests?\.cs$/;

/** True when a frame is test code (a test class, a file under a test folder, `_test.go`, `*.spec.ts`). */
export function isTestFrame(frame: Pick<Frame, "file" | "module">): boolean {
  const simple = (frame.module ?? "").split(".").pop() ?? "";
  return TEST_CLASS.test(simple) || TEST_PATH.test(frame.file.replace(/\\/g, "/"));
}

/**
 * True when a frame matches an app prefix: a package/module prefix (`org.apache.commons.lang3`,
 * `github.com/acme/shop`, `myapp.services`) or a path root (`src/`, `/app/src`).
 */
export function matchesAppPrefix(frame: Pick<Frame, "file" | "module">, prefix: string): boolean {
  const p = prefix.trim().replace(/[/.]+$/, "");
  if (!p) return false;
  const mod = frame.module ?? "";
  if (mod === p || mod.startsWith(`${p}.`) || mod.startsWith(`${p}/`)) return true;
  const file = frame.file.replace(/\\/g, "/");
  const asPath = p.includes("/") ? p.replace(/^\.?\//, "") : p.replace(/\./g, "/");
  if (p.startsWith("/")) return file === p || file.startsWith(`${p}/`);
  return (
    file.startsWith(`${asPath}/`) ||
    file.includes(`/${asPath}/`) ||
    new RegExp(`(^|/)${escapeRegExp(asPath)}\\.\\w+$`).test(file)
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Sets `inApp` on every frame of a trace (and its causes): by `appPrefixes` when given, else by the defaults. */
export function classifyFrames(trace: ParsedTrace, appPrefixes: readonly string[] = []): ParsedTrace {
  const mark = (frames: Frame[]) =>
    frames.map((f) => ({
      ...f,
      inApp: appPrefixes.length ? appPrefixes.some((p) => matchesAppPrefix(f, p)) : !isLibraryFrame(trace.language, f),
    }));
  return {
    ...trace,
    frames: mark(trace.frames),
    ...(trace.causes && { causes: trace.causes.map((c) => classifyFrames(c, appPrefixes)) }),
    ...(trace.suppressed && { suppressed: trace.suppressed.map((c) => classifyFrames(c, appPrefixes)) }),
    ...(trace.threads && { threads: trace.threads.map((t) => ({ ...t, frames: mark(t.frames) })) }),
  };
}
