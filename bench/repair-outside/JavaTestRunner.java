/*
 * The JUnit 4 runner of the Java outside-bug cases (bench/repair-outside/java*.ts): reads test
 * specs from the file named by its first argument, one a line - `pkg.Class` (the whole class),
 * `pkg.Class::method` (one test), or `-pkg.Class::method` (left out: a test that fails with the
 * developer's fix in this environment) - runs them with JUnitCore and prints every failure as
 * `--- pkg.Class::method` followed by its trace (at most 80 lines), the way Defects4J's
 * trigger_tests files read. A class whose tests are all left out runs nothing (JUnit's "No tests
 * found matching" for the emptied request is not a failure). Exits 0 when nothing failed, 1
 * otherwise, 2 on bad input.
 */
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.runner.Description;
import org.junit.runner.JUnitCore;
import org.junit.runner.Request;
import org.junit.runner.Result;
import org.junit.runner.manipulation.Filter;
import org.junit.runner.notification.Failure;

public final class JavaTestRunner {
  private static final int MAX_TRACE_LINES = 80;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: JavaTestRunner SPEC_FILE");
      System.exit(2);
    }
    List<String> run = new ArrayList<>();
    Set<String> excluded = new HashSet<>();
    for (String raw : Files.readAllLines(Paths.get(args[0]))) {
      String line = raw.trim();
      if (line.isEmpty()) continue;
      if (line.startsWith("-")) excluded.add(line.substring(1));
      else run.add(line);
    }
    int tests = 0;
    int failed = 0;
    JUnitCore core = new JUnitCore();
    for (String spec : run) {
      int sep = spec.indexOf("::");
      String className = sep < 0 ? spec : spec.substring(0, sep);
      Class<?> type;
      try {
        type = Class.forName(className, false, JavaTestRunner.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        System.out.println("--- " + spec);
        System.out.println("java.lang.ClassNotFoundException: " + className);
        failed++;
        continue;
      }
      Request request = sep < 0 ? Request.aClass(type) : Request.method(type, spec.substring(sep + 2));
      Result result = core.run(request.filterWith(new Leave(excluded)));
      tests += result.getRunCount();
      for (Failure f : result.getFailures()) {
        Description d = f.getDescription();
        if (emptied(d, f)) continue;
        failed++;
        System.out.println("--- " + d.getClassName() + "::" + d.getMethodName());
        String[] lines = f.getTrace().split("\n");
        for (int i = 0; i < lines.length && i < MAX_TRACE_LINES; i++) System.out.println(lines[i]);
      }
    }
    System.out.println("tests " + tests + ", failures " + failed);
    System.exit(failed == 0 ? 0 : 1);
  }

  /** True for JUnit's answer to a request whose every test was left out. */
  private static boolean emptied(Description d, Failure f) {
    String message = String.valueOf(f.getMessage());
    return Filter.class.getName().equals(d.getClassName()) && message.startsWith("No tests found matching leave out");
  }

  /** Leaves out the excluded tests. */
  private static final class Leave extends Filter {
    private final Set<String> excluded;

    Leave(Set<String> excluded) {
      this.excluded = excluded;
    }

    @Override
    public boolean shouldRun(Description d) {
      if (d.getMethodName() == null) return true;
      return !excluded.contains(d.getClassName() + "::" + d.getMethodName());
    }

    @Override
    public String describe() {
      return "leave out " + excluded.size() + " tests";
    }
  }
}
