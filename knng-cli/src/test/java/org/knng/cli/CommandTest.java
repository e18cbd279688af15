package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading a command line into a command, and its help. */
class CommandTest {

  /** A command that records what it is given. */
  static final class Recorder extends Command {
    final Map<String, List<String>> values = new LinkedHashMap<>();

    @Override
    String name() {
      return "rec";
    }

    @Override
    String[] description() {
      return new String[] {"Records its options."};
    }

    @Override
    List<Option> options() {
      return List.of(
          Option.parameter("IN", "The input."),
          Option.value("--k", "K", "Neighbours. Default: ${DEFAULT-VALUE}.").defaultValue("10"),
          Option.value("--name", "NAME", "A required name.").required(),
          Option.value("--conf", "KEY=VALUE", "Repeatable.").repeatable(),
          Option.value("--ratio", "R", "A number."),
          Option.flag("--quiet", "Quiet.").shortName("-q"));
    }

    @Override
    void set(String option, String value) {
      switch (option) {
        case "--k":
          integer(value);
          break;
        case "--ratio":
          doubleValue(value);
          break;
        case "IN":
        case "--name":
        case "--conf":
        case "--quiet":
          break;
        default:
          throw new IllegalStateException("no option " + option);
      }
      values.computeIfAbsent(option, o -> new ArrayList<>()).add(value);
    }

    @Override
    int call() {
      return 0;
    }
  }

  private static Recorder parse(String... args) {
    Recorder r = new Recorder();
    r.parse(args, 0);
    return r;
  }

  private static String error(String... args) {
    return assertThrows(Command.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void valuesAreReadBothWaysAfterTheDefaults() {
    Recorder r = parse("in.npy", "--k", "5", "--name=a=b", "-q", "--ratio", "-0.5");
    assertEquals(List.of("10", "5"), r.values.get("--k"), "the default first, then the value");
    assertEquals(List.of("a=b"), r.values.get("--name"), "split at the first '='");
    assertEquals(List.of("true"), r.values.get("--quiet"));
    assertEquals(List.of("-0.5"), r.values.get("--ratio"), "a negative number is a value");
    assertEquals(List.of("in.npy"), r.values.get("IN"));
  }

  @Test
  void repeatableOptionsCollectEveryValueAndOthersRefuseASecond() {
    Recorder r = parse("x", "--name", "n", "--conf", "a=1", "--conf", "b=2");
    assertEquals(List.of("a=1", "b=2"), r.values.get("--conf"));
    assertEquals("option '--name' should be specified only once",
        error("x", "--name", "n", "--name", "m"));
  }

  @Test
  void doubleDashEndsTheOptions() {
    Recorder r = parse("--name", "n", "--", "-file-with-dash");
    assertEquals(List.of("-file-with-dash"), r.values.get("IN"));
  }

  @Test
  void errorsNameTheOption() {
    assertEquals("Unknown option: '--bogus'", error("x", "--name", "n", "--bogus"));
    assertEquals("Unknown option: '--bogus=3'", error("x", "--name", "n", "--bogus=3"));
    assertEquals("Missing required parameter for option '--k' (K)", error("x", "--name", "n", "--k"));
    assertEquals("Missing required parameter for option '--k' (K)",
        error("x", "--k", "--name", "n"), "an option's name is not taken as a value");
    assertEquals("Invalid value for option '--k': 'five' is not an int",
        error("x", "--name", "n", "--k", "five"));
    assertEquals("Invalid value for option '--ratio': 'high' is not a double",
        error("x", "--name", "n", "--ratio=high"));
    for (String javaOnly : new String[] {"1.5f", "2d", "0x1p3", "0x10"}) { // Python refuses them too
      assertEquals("Invalid value for option '--ratio': '" + javaOnly + "' is not a double",
          error("x", "--name", "n", "--ratio", javaOnly));
    }
    assertEquals("Invalid value for option '--quiet': 'yes' is not a boolean",
        error("x", "--name", "n", "--quiet=yes"));
    assertEquals("Missing required option: '--name=NAME'", error("x"));
    assertEquals("Missing required parameter: 'IN'", error("--name", "n"));
    assertEquals("Unmatched argument at index 3: 'extra'", error("x", "--name", "n", "extra"));
  }

  @Test
  void anEmptyPathIsNoPath() {
    assertEquals("an empty path",
        assertThrows(IllegalArgumentException.class, () -> Command.path("")).getMessage());
    assertEquals("x.npy", Command.path("x.npy").toString());
  }

  @Test
  void helpAndVersionNeedNothingElse() {
    assertTrue(parse("--help").helpRequested);
    assertTrue(parse("-V").versionRequested);
    assertTrue(parse("--debug", "x", "--name", "n").debug);
  }

  @Test
  void helpListsEveryOptionWithItsDefaultWithinEightyColumns() {
    StringWriter text = new StringWriter();
    new Recorder().usage(new PrintWriter(text));
    String help = text.toString();
    assertTrue(help.startsWith("Usage: knng rec [-hqV] [--debug] IN [--k=K] --name=NAME"
        + " [--conf=KEY=VALUE]..."), help);
    for (String option : List.of("--k=K", "--name=NAME", "--conf", "--ratio=R", "-q, --quiet",
        "--debug", "-h, --help", "-V, --version", "IN ")) {
      assertTrue(help.contains(option), option + " missing from:\n" + help);
    }
    assertTrue(help.contains("Neighbours. Default: 10."), help);
    assertFalse(help.contains("${"), help);
  }

  /** Every command's options: each one its set() takes, and its help fits the terminal. */
  @ParameterizedTest
  @ValueSource(strings = {"build", "info", "eval", "convert", "spark"})
  void everyDeclaredOptionIsTakenAndListed(String name) {
    Command c = Main.command(name);
    StringWriter text = new StringWriter();
    c.usage(new PrintWriter(text));
    String help = text.toString();
    assertTrue(help.startsWith("Usage: knng " + name + " "), help);
    for (Command.Option o : c.options()) {
      try {
        c.set(o.name, o.isFlag() ? "true" : o.defaultValue != null ? o.defaultValue : "1");
      } catch (IllegalArgumentException fine) {
        // the sample value does not suit this option; it was still recognised
      }
      assertTrue(help.contains(o.positional ? o.label : o.name), o.name + " not in the help");
    }
    for (String line : help.split("\n")) {
      assertTrue(line.length() <= Command.WIDTH || !line.trim().contains(" "),
          "help line longer than " + Command.WIDTH + ": " + line);
    }
    // The text above and below the options is printed as written, each string wrapped at the
    // width: a string longer than that must end its paragraph (the next one empty or a new
    // paragraph), or the wrap leaves its last words on a line of their own, mid-sentence.
    for (String[] written : new String[][] {c.description(), c.footer()}) {
      for (int i = 0; i + 1 < written.length; i++) {
        String next = written[i + 1];
        assertTrue(written[i].length() <= Command.WIDTH || next.isEmpty()
                || Character.isUpperCase(next.charAt(0)),
            name + ": a line the help would break mid-paragraph: " + written[i]);
      }
    }
    assertNull(Main.command("no-such-command"));
  }
}
