package org.knng;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A choice with a name used on the command line and in files ({@code inner-product},
 * {@code fuzzy-union}, ...): metrics, graph modes, symmetrizations, edge flows. One rule for
 * reading such names everywhere: case-insensitive, surrounding blanks ignored, {@code _} read as
 * {@code -}; an unknown name is an error that lists the valid ones.
 */
public interface Named {
  /** @return the name, lower case with dashes, e.g. {@code inner-product} */
  String id();

  /**
   * Finds the value with a given name.
   *
   * @param values all values (e.g. {@code Metric.values()})
   * @param name the name to look up
   * @param what what the values are, for the error message (e.g. {@code "metric"})
   * @param <T> the type of the values
   * @return the value named {@code name}
   * @throws InvalidInputException {@code unknown WHAT 'NAME' (expected one of ...)}
   */
  static <T extends Named> T parse(T[] values, String name, String what) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (T value : values) {
      if (value.id().equals(key)) {
        return value;
      }
    }
    throw new InvalidInputException(
        "unknown " + what + " '" + name + "' (expected one of " + choices(values) + ")");
  }

  /**
   * @param values all values
   * @return their names, comma-separated
   */
  static String choices(Named[] values) {
    return Arrays.stream(values).map(Named::id).collect(Collectors.joining(", "));
  }
}
