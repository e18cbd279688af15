package org.knng.cli;

import java.util.Locale;

/**
 * One JSON object written by hand (the reports are flat: no JSON library needed): strings,
 * numbers, booleans, null and nested objects, in the order they are added.
 */
final class Json {
  private final StringBuilder out = new StringBuilder("{");
  private boolean first = true;

  private Json key(String name) {
    out.append(first ? "" : ", ").append(quote(name)).append(": ");
    first = false;
    return this;
  }

  /** A string field (null writes null). */
  Json put(String name, String value) {
    key(name).out.append(value == null ? "null" : quote(value));
    return this;
  }

  /** A number field: finite doubles as they print, others (NaN, infinities) as null. */
  Json put(String name, double value) {
    key(name).out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    return this;
  }

  /** An integer field. */
  Json put(String name, long value) {
    key(name).out.append(value);
    return this;
  }

  /** An integer field, or null. */
  Json put(String name, Long value) {
    key(name).out.append(value == null ? "null" : value.toString());
    return this;
  }

  /** A boolean field. */
  Json put(String name, boolean value) {
    key(name).out.append(value);
    return this;
  }

  /** A nested object (null writes null). */
  Json put(String name, Json value) {
    key(name).out.append(value == null ? "null" : value.toString());
    return this;
  }

  @Override
  public String toString() {
    return out + "}";
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        q.append('\\').append(c);
      } else if (c < 0x20) {
        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append('"').toString();
  }
}
