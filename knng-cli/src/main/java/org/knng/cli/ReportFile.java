package org.knng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.knng.InvalidInputException;
import org.knng.io.AtomicOutput;

/** {@code --report FILE.json} of {@code build} and {@code eval}: checked before any work, written atomically. */
final class ReportFile {
  private ReportFile() {}

  /**
   * Refuses a report that could not be written or would replace another file of the command.
   *
   * @param report the report, or null for none
   * @param others the command's other files (nulls ignored)
   */
  static void check(Path report, Path... others) {
    if (report == null) {
      return;
    }
    String name = report.getFileName() == null ? "" : report.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".json")) {
      throw new InvalidInputException("--report " + report + ": must end in .json");
    }
    GraphOutput.checkDirectory("--report", report);
    for (Path other : others) {
      if (other != null && GraphOutput.same(report, other)) {
        throw new InvalidInputException("--report " + report + " names the same file as another option");
      }
    }
  }

  /** Writes the report (one JSON object and a newline) through a temporary file. */
  static void write(Path report, Json json) throws IOException {
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicOutput.write(report, stream -> stream.write(bytes));
  }
}
