package org.knng.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian numbers onto a stream through one 1 MB buffer: what every binary writer (the
 * {@code .npy} arrays, the {@code .npz} entries, {@code edge_index}) emits its values with, a
 * slice of an array or a value at a time. {@link #flush()} before the stream is used otherwise.
 */
final class LittleEndianOutput {
  private static final int BUFFER_BYTES = 1 << 20;

  private final OutputStream out;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

  LittleEndianOutput(OutputStream out) {
    this.out = out;
  }

  private void room(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      flush();
    }
  }

  /** {@code count} int32 values from {@code from}. */
  void ints(int[] values, int from, int count) throws IOException {
    for (int done = 0; done < count; ) {
      room(Integer.BYTES);
      int n = Math.min(count - done, buffer.remaining() / Integer.BYTES);
      buffer.asIntBuffer().put(values, from + done, n);
      buffer.position(buffer.position() + n * Integer.BYTES);
      done += n;
    }
  }

  /** {@code count} int32 values from {@code from}, each written as int64. */
  void intsAsLongs(int[] values, int from, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      putLong(values[from + i]);
    }
  }

  /** {@code count} int64 values from {@code from}. */
  void longs(long[] values, int from, int count) throws IOException {
    for (int done = 0; done < count; ) {
      room(Long.BYTES);
      int n = Math.min(count - done, buffer.remaining() / Long.BYTES);
      buffer.asLongBuffer().put(values, from + done, n);
      buffer.position(buffer.position() + n * Long.BYTES);
      done += n;
    }
  }

  /** {@code count} float32 values from {@code from}. */
  void floats(float[] values, int from, int count) throws IOException {
    for (int done = 0; done < count; ) {
      room(Float.BYTES);
      int n = Math.min(count - done, buffer.remaining() / Float.BYTES);
      buffer.asFloatBuffer().put(values, from + done, n);
      buffer.position(buffer.position() + n * Float.BYTES);
      done += n;
    }
  }

  void putInt(int value) throws IOException {
    room(Integer.BYTES);
    buffer.putInt(value);
  }

  void putLong(long value) throws IOException {
    room(Long.BYTES);
    buffer.putLong(value);
  }

  /** An int32 value, or an int64 one when {@code wide}. */
  void putIndex(long value, boolean wide) throws IOException {
    if (wide) {
      putLong(value);
    } else {
      putInt((int) value);
    }
  }

  /** Writes what is buffered to the stream (not flushing the stream itself). */
  void flush() throws IOException {
    out.write(buffer.array(), 0, buffer.position());
    buffer.clear();
  }
}
