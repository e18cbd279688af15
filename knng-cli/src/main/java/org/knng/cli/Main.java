package org.knng.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code knng} command. It only reads the command line ({@link Command}) and hands it to one
 * of the commands, which wire the library's pieces together: readers ({@code org.knng.io}),
 * engines ({@code org.knng.exact}), graph conversion and writers, and the recall measurement
 * ({@code org.knng.eval}).
 *
 * <p>Exit codes: 0 on success; 2 on bad input or usage, with one line starting {@code error:} on
 * stderr and no output file written; 1 on an internal error (a bug: one {@code error:} line that
 * says so, and the stack trace with {@code --debug}) or when the JVM runs out of memory.
 */
public final class Main {
  /** Exit code for bad input or usage. */
  public static final int EXIT_USAGE = 2;
  /** Exit code for an internal error. */
  public static final int EXIT_INTERNAL = 1;

  /** The commands and what each does, in the order the help lists them. */
  private static final String[][] COMMANDS = {
    {"build", "Builds the k-nearest-neighbour graph of the vectors in a file."},
    {"info", "Prints statistics of a graph saved as .npz."},
    {"eval", "Measures the recall@k of a graph against the exact neighbours."},
    {"convert", "Converts a graph or vectors from one file format to another."},
    {"spark", "Builds the graph as an Apache Spark job, locally or on a cluster."},
    {"help", "Prints the help of a command."}
  };

  private static final String[] DESCRIPTION = {
    "Builds k-nearest-neighbour graphs: each point's k nearest other points,",
    "as a sparse matrix that scipy, PyTorch Geometric and Java code load.",
    "",
    "Run 'knng build --help' for the options of a build,",
    "'knng info --help' for graph statistics,",
    "'knng eval --help' for the recall of a graph against the exact neighbours,",
    "'knng convert --help' for graphs and vectors from one file format to another,",
    "'knng spark --help' for the same graphs as an Apache Spark job."
  };

  private Main() {}

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
    try {
      return dispatch(args, new PrintWriter(out, true), new PrintWriter(err, true), err);
    } catch (OutOfMemoryError e) {
      err.println("error: out of memory (" + e.getMessage()
          + "): give Java more heap, e.g. JAVA_OPTS=-Xmx16g ./knng ...");
      return EXIT_INTERNAL;
    }
  }

  /** Reads the options before the command's name, then the command's own, and runs it. */
  private static int dispatch(String[] args, PrintWriter out, PrintWriter err, PrintStream errStream) {
    boolean debug = false;
    int i = 0;
    for (; i < args.length && args[i].startsWith("-"); i++) {
      Command.Standard option = Command.Standard.of(args[i]);
      if (option == null) {
        return usageError(err, "knng", "Unknown option: '" + args[i] + "'");
      }
      switch (option) {
        case HELP:
          usage(out);
          return 0;
        case VERSION:
          out.println(version());
          return 0;
        case DEBUG:
          debug = true;
          break;
        default:
          throw new AssertionError("a standard option without its case: " + option);
      }
    }
    if (i == args.length) {
      // 'knng' alone: show the help rather than doing nothing.
      usage(out);
      return 0;
    }
    if (args[i].equals("help")) {
      if (i + 1 == args.length) {
        usage(out);
        return 0;
      }
      Command c = command(args[i + 1]);
      if (c == null) {
        return usageError(err, "knng", "Unknown subcommand '" + args[i + 1] + "'");
      }
      c.usage(out);
      return 0;
    }
    Command c = command(args[i]);
    if (c == null) {
      return usageError(err, "knng", "Unmatched argument at index " + i + ": '" + args[i] + "'");
    }
    try {
      c.parse(args, i + 1);
    } catch (Command.UsageException e) {
      return usageError(err, "knng " + c.name(), e.getMessage());
    }
    if (c.helpRequested) {
      c.usage(out);
      return 0;
    }
    if (c.versionRequested) {
      out.println(version());
      return 0;
    }
    c.debug |= debug;
    c.out = out;
    c.err = err;
    try {
      return c.call();
    } catch (OutOfMemoryError e) {
      throw e;
    } catch (Exception | Error e) {
      err.flush();
      return report(e, c.debug, errStream);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The command of that name, or null. */
  static Command command(String name) {
    switch (name) {
      case "build":
        return new BuildCommand();
      case "info":
        return new InfoCommand();
      case "eval":
        return new EvalCommand();
      case "convert":
        return new ConvertCommand();
      case "spark":
        return new SparkCommand();
      default:
        return null;
    }
  }

  private static int usageError(PrintWriter err, String command, String message) {
    err.println("error: " + oneLine(message) + " (see '" + command + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  /** The help of {@code knng} itself: what it does, its options and its commands. */
  private static void usage(PrintWriter w) {
    List<String> synopsis = new ArrayList<>(Command.Standard.SYNOPSIS);
    synopsis.add("[COMMAND]");
    Command.printSynopsis(w, "knng", synopsis);
    for (String line : DESCRIPTION) {
      w.println(line);
    }
    Command.Standard.print(w);
    w.println("Commands:");
    for (String[] command : COMMANDS) {
      w.println("  " + command[0] + " ".repeat(10 - command[0].length()) + command[1]);
    }
    w.flush();
  }

  /** @return "knng VERSION" from the jar manifest, or "knng development" when run from classes */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return "knng " + (v == null ? "development" : v);
  }

  /**
   * Prints the one {@code error:} line for a failure of a command (and its stack trace with {@code
   * --debug}) and returns the exit code: 2 for bad input, 1 for a bug. Nothing is printed once the
   * JVM is stopping (Ctrl-C, a kill): what failed then failed because of the stop.
   *
   * @param e the failure
   * @param debug whether {@code --debug} was given
   * @param err standard error
   * @return {@link #EXIT_USAGE} or {@link #EXIT_INTERNAL}
   */
  static int report(Throwable e, boolean debug, PrintStream err) {
    boolean user = UserErrors.isUserError(e);
    if (org.knng.io.AtomicOutput.stopping() && !debug) {
      // Ctrl-C or a kill: the JVM exits with the signal's code; a write cut short by the stop is
      // no error of its own.
      return user ? EXIT_USAGE : EXIT_INTERNAL;
    }
    err.println("error: " + (user ? UserErrors.message(e) : UserErrors.bug(e)));
    if (debug) {
      e.printStackTrace(err);
    }
    return user ? EXIT_USAGE : EXIT_INTERNAL;
  }

  /**
   * A message as one line: line breaks of any kind become a space, other control characters a
   * question mark (a message may quote bytes of a damaged file).
   */
  static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*[\\r\\n\\u000b\\u000c\\u0085\\u2028\\u2029]+\\s*", " ")
        .replaceAll("[\\p{Cntrl}&&[^\\t]]", "?").trim();
  }
}
