package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the README against the library, runs its {@code main}
 * and checks that each {@code println} marked {@code // → X} printed X: the README cannot drift
 * from the API or from the behaviour it describes.
 */
class ReadmeExamplesTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS = Pattern.compile("public class (\\w+)");
  private static final Pattern EXPECTED = Pattern.compile("//\\s*→\\s*(.*?)(\\s{2,}.*)?$");

  @TempDir Path dir;

  @Test
  void javaExamplesCompileRunAndPrintWhatTheySay() throws Exception {
    String readme = Files.readString(Launcher.ROOT.resolve("README.md"));
    Matcher blocks = BLOCK.matcher(readme);
    int count = 0;
    while (blocks.find()) {
      count++;
      String source = blocks.group(1);
      Matcher name = CLASS.matcher(source);
      assertTrue(name.find(), "README java block without a public class:\n" + source);
      List<String> expected = new ArrayList<>();
      for (String line : source.split("\n")) {
        Matcher m = EXPECTED.matcher(line);
        if (line.contains("System.out.println") && m.find()) {
          expected.add(m.group(1).trim());
        }
      }
      assertFalse(expected.isEmpty(), "README example " + name.group(1) + " states no output");
      assertEquals(expected, run(name.group(1), source), "output of README example " + name.group(1));
    }
    assertTrue(count > 0, "no ```java block found in README.md");
  }

  private List<String> run(String className, String source) throws Exception {
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, null, diagnostics, "-d", dir.toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        file.toString());
    assertEquals(0, rc, "README example does not compile:\n" + diagnostics);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().map(String::trim).collect(java.util.stream.Collectors.toList());
  }
}
