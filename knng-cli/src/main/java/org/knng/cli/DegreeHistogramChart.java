package org.knng.cli;

import java.util.Locale;

/**
 * A hand-written SVG bar chart of an in-degree histogram: one bar per degree value, or per bin of
 * consecutive values when there are more than {@link #MAX_BARS} values. Self-contained (no scripts,
 * no external fonts), so any browser or vector editor opens it.
 */
final class DegreeHistogramChart {
  /** At most this many bars; wider histograms are binned into equal ranges of degrees. */
  static final int MAX_BARS = 60;
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  private DegreeHistogramChart() {}

  /**
   * @param histogram {@code h[d]} = number of nodes with in-degree {@code d}
   * @param title shown above the chart (escaped here)
   * @return the SVG document
   */
  static String svg(long[] histogram, String title) {
    int values = histogram.length;
    int binWidth = Math.max(1, (values + MAX_BARS - 1) / MAX_BARS);
    int bars = (values + binWidth - 1) / binWidth;
    long[] counts = new long[bars];
    long max = 0;
    for (int d = 0; d < values; d++) {
      counts[d / binWidth] += histogram[d];
    }
    for (long c : counts) {
      max = Math.max(max, c);
    }
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    double barWidth = bars == 0 ? 0 : plotWidth / bars;
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    s.append(String.format(Locale.ROOT, "<title>%s</title>%n", escape(title)));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
    for (int b = 0; b < bars; b++) {
      double h = max == 0 ? 0 : plotHeight * counts[b] / max;
      int lo = b * binWidth;
      int hi = Math.min(values, lo + binWidth) - 1;
      String label = lo == hi ? "in-degree " + lo : "in-degree " + lo + "-" + hi;
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#4878a8\"><title>%s: %d nodes</title></rect>%n",
          LEFT + b * barWidth + 0.5, TOP + plotHeight - h, Math.max(barWidth - 1, 0.5), h, label, counts[b]));
    }
    double axisY = TOP + plotHeight;
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"black\"/>%n",
        LEFT, axisY, WIDTH - RIGHT, axisY));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.2f\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, axisY));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%d</text>%n",
        LEFT - 5, TOP + 4.0, max));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">0</text>%n", LEFT - 5, axisY));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\">0</text>%n", LEFT, axisY + 16));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%d</text>%n",
        WIDTH - RIGHT, axisY + 16, Math.max(values - 1, 0)));
    s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">in-degree%s</text>%n",
        LEFT + plotWidth / 2, HEIGHT - 12, binWidth > 1 ? " (bins of " + binWidth + ")" : ""));
    s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.2f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.2f)\">"
        + "nodes</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
    s.append("</svg>\n");
    return s.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
