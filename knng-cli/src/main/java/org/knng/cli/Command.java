package org.knng.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knng.InvalidInputException;
import org.knng.UnrankableVectorsException;
import org.knng.io.Decimal;

/**
 * A subcommand of {@code knng} ({@code build}, {@code info}, ...) and the reading of its arguments:
 * the options it declares ({@link Option}), each value handed to {@link #set} as it is read, the
 * checks every command gets (unknown, repeated, missing and malformed options, with one message
 * naming the option) and its {@code --help} text.
 *
 * <p>Written out rather than taken from a library: a parser that reads annotated fields
 * reflectively took about 0.13 s of every run's start (its classes and the annotations' proxies
 * load, and run in the interpreter), a third of the time of a small point cloud's graph. Here a
 * command is a list of options and a {@code switch} on their names.
 *
 * <p>Options are read as {@code --name VALUE} or {@code --name=VALUE}, flags as {@code --name};
 * {@code --} ends the options. Every command also takes {@code -h}/{@code --help}, {@code
 * -V}/{@code --version} and {@code --debug}.
 */
abstract class Command {
  /** Where the command prints its results; set before {@link #call}. */
  PrintWriter out;
  /** Where it prints progress, notices and summaries; set before {@link #call}. */
  PrintWriter err;
  /** Whether {@code --debug} was given (before the command's name or after it). */
  boolean debug;
  boolean helpRequested;
  boolean versionRequested;

  /** @return the command's name, e.g. {@code build} */
  abstract String name();

  /** @return the paragraphs of its help before the options, one string per line or paragraph */
  abstract String[] description();

  /** @return the lines of its help after the options (examples) */
  String[] footer() {
    return new String[0];
  }

  /** @return its options and positional parameters, in the order its help lists them */
  abstract List<Option> options();

  /**
   * Takes one value, as it is read: {@code option} is an option's long name (or a positional
   * parameter's label), {@code value} its text ({@code "true"} for a flag). Defaults are set
   * the same way before the arguments are read.
   *
   * @param option the option's name
   * @param value its value
   * @throws IllegalArgumentException if the value is malformed (its message says how)
   */
  abstract void set(String option, String value);

  /**
   * Runs the command with the values set.
   *
   * @return the exit code
   * @throws Exception on failure; {@link Main#report} tells bad input from bugs
   */
  abstract int call() throws Exception;

  /** A usage error: the message, without the pointer to {@code --help} that {@link Main} adds. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * One option or positional parameter of a command, and its line of help. Built once, in a
   * command's list of options ({@link #value}, {@link #flag} or {@link #parameter}, then the
   * modifiers), and not changed after.
   */
  static final class Option {
    final String name;
    final String label;
    final String description;
    final boolean positional;
    String shortName;
    boolean required;
    String defaultValue;
    boolean repeatable;

    private Option(String name, String label, String description, boolean positional) {
      this.name = name;
      this.label = label;
      this.description = description;
      this.positional = positional;
      this.required = positional;
    }

    /** An option with a value, e.g. {@code value("--k", "K", "Neighbours per point.")}. */
    static Option value(String name, String label, String description) {
      return new Option(name, label, description, false);
    }

    /** An option without a value. */
    static Option flag(String name, String description) {
      return new Option(name, null, description, false);
    }

    /** A required positional parameter, set under its label (e.g. {@code GRAPH}). */
    static Option parameter(String label, String description) {
      return new Option(label, label, description, true);
    }

    /** @return this option, required */
    Option required() {
      required = true;
      return this;
    }

    /** @return this option with a default, which {@code ${DEFAULT-VALUE}} in its help shows */
    Option defaultValue(String value) {
      defaultValue = value;
      return this;
    }

    /** @return this option, which may be given more than once */
    Option repeatable() {
      repeatable = true;
      return this;
    }

    /** @return this option, also spelled {@code shortName} (e.g. {@code -q}) */
    Option shortName(String shortName) {
      this.shortName = shortName;
      return this;
    }

    boolean isFlag() {
      return label == null;
    }

    /** How usage errors name it: {@code '--input=FILE'}, {@code '--quiet'} or {@code 'GRAPH'}. */
    String spelled() {
      return "'" + (positional || isFlag() ? name : name + "=" + label) + "'";
    }
  }

  /**
   * Reads {@code args[from..]} into this command: the defaults first, then each argument.
   *
   * @param args the command line
   * @param from the first argument after the command's name
   * @throws UsageException for an unknown, repeated, malformed or missing option or parameter
   */
  final void parse(String[] args, int from) {
    List<Option> options = options();
    for (Option o : options) {
      if (o.defaultValue != null) {
        set(o.name, o.defaultValue);
      }
    }
    Set<Option> seen = new LinkedHashSet<>();
    int position = 0;
    boolean optionsEnded = false;
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (!optionsEnded && arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        Option parameter = positional(options, position++);
        if (parameter == null) {
          throw new UsageException("Unmatched argument at index " + i + ": '" + arg + "'");
        }
        seen.add(parameter);
        take(parameter, arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String attached = eq < 0 ? null : arg.substring(eq + 1);
      if (standard(name)) {
        if (attached != null) {
          throw new UsageException("option '" + name + "' takes no value");
        }
        continue;
      }
      Option option = named(options, name);
      if (option == null) {
        throw new UsageException("Unknown option: '" + arg + "'");
      }
      if (!seen.add(option) && !option.repeatable) {
        throw new UsageException("option '" + option.name + "' should be specified only once");
      }
      String value;
      if (option.isFlag()) {
        if (attached != null && !attached.equals("true") && !attached.equals("false")) {
          throw new UsageException("Invalid value for option '" + option.name + "': '" + attached
              + "' is not a boolean");
        }
        value = attached == null ? "true" : attached;
      } else if (attached != null) {
        value = attached;
      } else if (i + 1 < args.length && named(options, args[i + 1]) == null
          && !standard(args[i + 1])) {
        value = args[++i];
      } else {
        throw new UsageException("Missing required parameter for option '" + option.name + "' ("
            + option.label + ")");
      }
      take(option, value);
    }
    if (helpRequested || versionRequested) {
      return;
    }
    List<String> missingOptions = new ArrayList<>();
    List<String> missingParameters = new ArrayList<>();
    for (Option o : options) {
      if (o.required && !seen.contains(o)) {
        (o.positional ? missingParameters : missingOptions).add(o.spelled());
      }
    }
    if (!missingOptions.isEmpty()) {
      throw new UsageException("Missing required option" + (missingOptions.size() > 1 ? "s" : "")
          + ": " + String.join(", ", missingOptions));
    }
    if (!missingParameters.isEmpty()) {
      throw new UsageException("Missing required parameter"
          + (missingParameters.size() > 1 ? "s" : "") + ": " + String.join(", ", missingParameters));
    }
  }

  /** {@code --help}, {@code --version} or {@code --debug}: noted, and true; else false. */
  private boolean standard(String name) {
    Standard option = Standard.of(name);
    if (option == Standard.HELP) {
      helpRequested = true;
    } else if (option == Standard.VERSION) {
      versionRequested = true;
    } else if (option == Standard.DEBUG) {
      debug = true;
    }
    return option != null;
  }

  /** The options every command takes, and {@code knng} itself before a command's name. */
  enum Standard {
    DEBUG(null, "--debug", "Print the engine's choices and stack traces with errors."),
    HELP("-h", "--help", "Show this help message and exit."),
    VERSION("-V", "--version", "Print version information and exit.");

    /** How the synopsis shows them. */
    static final List<String> SYNOPSIS = List.of("[-hV]", "[--debug]");

    private final String shortName;
    private final String name;
    private final String description;

    Standard(String shortName, String name, String description) {
      this.shortName = shortName;
      this.name = name;
      this.description = description;
    }

    /** @return the option spelled {@code arg}, or null */
    static Standard of(String arg) {
      for (Standard s : values()) {
        if (arg.equals(s.name) || arg.equals(s.shortName)) {
          return s;
        }
      }
      return null;
    }

    /** Prints their lines of a help text. */
    static void print(PrintWriter w) {
      for (Standard s : values()) {
        printOption(w, (s.shortName == null ? "      " : "  " + s.shortName + ", ") + s.name,
            s.description, null);
      }
    }
  }

  private void take(Option option, String value) {
    try {
      set(option.name, value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("Invalid value for " + (option.positional ? "positional parameter"
          : "option") + " '" + option.name + "': " + e.getMessage());
    }
  }

  private static Option named(List<Option> options, String name) {
    for (Option o : options) {
      if (!o.positional && (name.equals(o.name) || name.equals(o.shortName))) {
        return o;
      }
    }
    return null;
  }

  private static Option positional(List<Option> options, int index) {
    int p = 0;
    for (Option o : options) {
      if (o.positional && p++ == index) {
        return o;
      }
    }
    return null;
  }

  /** @return the options of the lists, in order (a command's own around those it shares) */
  @SafeVarargs
  static List<Option> concat(List<Option>... lists) {
    List<Option> all = new ArrayList<>();
    for (List<Option> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  // ---- Values ----

  /**
   * Vectors the metric cannot rank, named in the message with the file they were read from.
   *
   * @param e the refusal, naming the row (and column)
   * @param input the file of the points (or of the base a search looks in)
   * @param queries the file of the queries, or null
   * @return the refusal naming the file as well
   */
  static InvalidInputException inFile(UnrankableVectorsException e, Object input, Object queries) {
    return new InvalidInputException((e.queries() && queries != null ? "--queries " + queries
        : "--input " + input) + ": " + e.getMessage());
  }

  /** @throws IllegalArgumentException "'x' is not an int" */
  static int integer(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not an int");
    }
  }

  /** @throws IllegalArgumentException "'x' is not a long" */
  static long longValue(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a long");
    }
  }

  /**
   * A decimal number as Java and Python write it ({@link Decimal#is}: no hex, no
   * {@code f} or {@code d} suffix): {@code inf}, {@code -inf} and {@code nan} (any case) too, so
   * that the option's own check names what is wrong with them.
   *
   * @throws IllegalArgumentException "'x' is not a double"
   */
  static double doubleValue(String value) {
    String t = value.trim().toLowerCase(Locale.ROOT);
    String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    } else if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (!Decimal.is(value.trim())) {
      throw new IllegalArgumentException("'" + value + "' is not a double");
    }
    return Double.parseDouble(value.trim());
  }

  /** @throws IllegalArgumentException if the text is empty or no path on this system */
  static Path path(String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("an empty path");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + value + "' is not a path (" + e.getReason() + ")");
    }
  }

  // ---- Help ----

  /** Width of the help text. */
  static final int WIDTH = 80;
  /** Column of the options' descriptions. */
  private static final int DESCRIPTION_COLUMN = 29;

  /**
   * Prints the command's help: its synopsis, description, options and footer.
   *
   * @param w where to print
   */
  final void usage(PrintWriter w) {
    List<Option> options = options();
    StringBuilder shorts = new StringBuilder("h");
    for (Option o : options) {
      if (o.shortName != null && o.isFlag()) {
        shorts.append(o.shortName.substring(1));
      }
    }
    List<String> synopsis = new ArrayList<>(Standard.SYNOPSIS);
    synopsis.set(0, "[-" + shorts + "V]");
    for (Option o : options) {
      if (o.positional) {
        synopsis.add(o.label);
      } else {
        String s = o.isFlag() ? o.name : o.name + "=" + o.label;
        synopsis.add(o.required ? s : "[" + s + (o.repeatable ? "]..." : "]"));
      }
    }
    printSynopsis(w, "knng " + name(), synopsis);
    for (String line : description()) {
      printWrapped(w, render(line, null), 0, 0);
    }
    for (Option o : options) {
      if (o.positional) {
        printOption(w, "      " + o.label, o.description, null);
      }
    }
    for (Option o : options) {
      if (!o.positional) {
        String names = (o.shortName != null ? "  " + o.shortName + ", " : "      ") + o.name
            + (o.isFlag() ? "" : "=" + o.label);
        printOption(w, names, o.description, o.defaultValue);
      }
    }
    Standard.print(w);
    for (String line : footer()) {
      printWrapped(w, line, 0, 0);
    }
    w.flush();
  }

  /** {@code Usage: NAME item item ...}, wrapped under the first item. */
  static void printSynopsis(PrintWriter w, String name, List<String> items) {
    String head = "Usage: " + name;
    StringBuilder line = new StringBuilder(head);
    for (String item : items) {
      if (line.length() + 1 + item.length() > WIDTH && line.length() > head.length()) {
        w.println(line);
        line = new StringBuilder(" ".repeat(head.length()));
      }
      line.append(' ').append(item);
    }
    w.println(line);
  }

  /** One option's names, then its description from the description column, wrapped. */
  static void printOption(PrintWriter w, String names, String description, String defaultValue) {
    String text = render(description, defaultValue);
    if (names.length() + 2 > DESCRIPTION_COLUMN) {
      w.println(names);
      printWrapped(w, " ".repeat(DESCRIPTION_COLUMN) + text, DESCRIPTION_COLUMN,
          DESCRIPTION_COLUMN + 2);
    } else {
      printWrapped(w, names + " ".repeat(DESCRIPTION_COLUMN - names.length()) + text,
          DESCRIPTION_COLUMN, DESCRIPTION_COLUMN + 2);
    }
  }

  private static String render(String text, String defaultValue) {
    return defaultValue == null ? text : text.replace("${DEFAULT-VALUE}", defaultValue);
  }

  /**
   * Prints {@code text} in lines of at most {@link #WIDTH}, broken at spaces after column {@code
   * from} (the text before it is kept whole), continuation lines indented by {@code indent}.
   */
  static void printWrapped(PrintWriter w, String text, int from, int indent) {
    String rest = text;
    int keep = from;
    while (rest.length() > WIDTH) {
      int cut = rest.lastIndexOf(' ', WIDTH);
      if (cut <= keep) {
        cut = rest.indexOf(' ', WIDTH);
        if (cut < 0) {
          break;
        }
      }
      w.println(rest.substring(0, cut).stripTrailing());
      rest = " ".repeat(indent) + rest.substring(cut + 1).stripLeading();
      keep = indent;
    }
    w.println(rest);
  }
}
