package org.knng;

/**
 * Vectors the metric cannot rank in float32: a value too large (a distance would overflow), a
 * zero vector under cosine, or values all so small that distances would underflow. The message
 * names the row and column, as the vectors number them; {@link #queries()} tells which vectors
 * those are, so that a caller that read the points and the queries from two files can name the
 * file as well.
 */
public class UnrankableVectorsException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  private final boolean queries;

  /**
   * @param message one line naming the row (and column) at fault and what is wrong with it
   * @param queries whether the row is one of a search's queries (else one of the points, or of
   *     the base a search looks in)
   */
  public UnrankableVectorsException(String message, boolean queries) {
    super(message);
    this.queries = queries;
  }

  /**
   * @return whether the vectors at fault are a search's queries (else the points of a graph or
   *     the base of a search)
   */
  public boolean queries() {
    return queries;
  }
}
