package org.knng.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.knng.Algorithm;
import org.knng.graph.Flow;
import org.knng.graph.GraphMode;
import org.knng.graph.Symmetrization;
import org.knng.metric.Metric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code knng} command. It only parses options and wires the library's pieces together: readers
 * ({@code org.knng.io}), engines ({@code org.knng.exact}), graph conversion and writers, and the
 * recall measurement ({@code org.knng.eval}).
 *
 * <p>Exit codes: 0 on success; 2 on bad input or usage, with one line starting {@code error:} on
 * stderr and no output file written; 1 on an internal error (a bug: one {@code error:} line that
 * says so, and the stack trace with {@code --debug}) or when the JVM runs out of memory.
 */
@Command(
    name = "knng",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Builds k-nearest-neighbour graphs: each point's k nearest other points,",
      "as a sparse matrix that scipy, PyTorch Geometric and Java code load.",
      "",
      "Run 'knng build --help' for the options of a build,",
      "'knng info --help' for graph statistics,",
      "'knng eval --help' for the recall of a graph against the exact neighbours,",
      "'knng spark --help' for the same graphs as an Apache Spark job."
    },
    subcommands = {BuildCommand.class, InfoCommand.class, EvalCommand.class, ConvertCommand.class, SparkCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit code for bad input or usage. */
  public static final int EXIT_USAGE = 2;
  /** Exit code for an internal error. */
  public static final int EXIT_INTERNAL = 1;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean debug;

  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * Entry point: runs the command and exits with its code.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command without exiting the JVM (used by tests).
   *
   * @param args command-line arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main());
    // Option values named as in the library, parsed with its own messages ("unknown metric ...").
    cli.registerConverter(Algorithm.class, named(Algorithm::parse));
    cli.registerConverter(Metric.class, named(Metric::parse));
    cli.registerConverter(GraphMode.class, named(GraphMode::parse));
    cli.registerConverter(Symmetrization.class, named(Symmetrization::parse));
    cli.registerConverter(Flow.class, named(Flow::parse));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, a) -> {
      String command = e.getCommandLine().getCommandSpec().qualifiedName();
      err.println("error: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = parseResult.hasMatchedOption("--debug")
          || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
      return report(e, debug, err);
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("error: out of memory (" + e.getMessage()
          + "): give Java more heap, e.g. JAVA_OPTS=-Xmx16g ./knng ...");
      return EXIT_INTERNAL;
    }
  }

  /**
   * Prints the one {@code error:} line for a failure of a command (and its stack trace with {@code
   * --debug}) and returns the exit code: 2 for bad input, 1 for a bug.
   *
   * @param e the failure
   * @param debug whether {@code --debug} was given
   * @param err standard error
   * @return {@link #EXIT_USAGE} or {@link #EXIT_INTERNAL}
   */
  static int report(Throwable e, boolean debug, PrintStream err) {
    boolean user = UserErrors.isUserError(e);
    err.println("error: " + (user ? UserErrors.message(e) : UserErrors.bug(e)));
    if (debug) {
      e.printStackTrace(err);
    }
    return user ? EXIT_USAGE : EXIT_INTERNAL;
  }

  /** A converter whose error is the library's own message, e.g. "unknown metric 'x' (expected ...)". */
  private static <T> CommandLine.ITypeConverter<T> named(java.util.function.Function<String, T> parse) {
    return value -> {
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    };
  }

  static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  @Override
  public void run() {
    // 'knng' alone: show the help rather than doing nothing.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"knng " + (v == null ? "development" : v)};
    }
  }
}
