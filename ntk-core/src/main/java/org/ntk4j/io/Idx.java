package org.ntk4j.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (plain or gzipped, detected from the first bytes): a magic number
 * {@code 0x0000TTRR} (TT the element type, RR the rank), RR big-endian 32-bit dimensions, then the values in C order.
 * Element types: 0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double (all big-endian).
 * Values are returned as float64 exactly as stored (no scaling).
 */
public final class Idx {
  private Idx() {}

  /** Reads a whole IDX file; {@code limit} > 0 keeps only the first {@code limit} items along the first axis. */
  public static NpyArray read(Path path, int limit) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      return read(raw, path.toString(), limit);
    }
  }

  public static NpyArray read(Path path) throws IOException { return read(path, 0); }

  /** Reads from a stream (gzip detected); {@code name} appears in error messages. */
  public static NpyArray read(InputStream in, String name, int limit) throws IOException {
    InputStream s = in.markSupported() ? in : new BufferedInputStream(in);
    s.mark(2);
    int b0 = s.read(), b1 = s.read();
    s.reset();
    if (b0 == 0x1f && b1 == 0x8b) s = new BufferedInputStream(new GZIPInputStream(s, 1 << 16), 1 << 16);
    DataInputStream d = new DataInputStream(s);
    int magic;
    try {
      magic = d.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException(name + ": empty or truncated file, not an IDX file");
    }
    if ((magic >>> 16) != 0) throw new IllegalArgumentException(name + ": not an IDX file (magic " + String.format("0x%08x", magic) + ")");
    int type = (magic >>> 8) & 0xff;
    int rank = magic & 0xff;
    int width;
    switch (type) {
      case 0x08: case 0x09: width = 1; break;
      case 0x0B: width = 2; break;
      case 0x0C: case 0x0D: width = 4; break;
      case 0x0E: width = 8; break;
      default: throw new IllegalArgumentException(name + ": unknown IDX element type 0x" + Integer.toHexString(type));
    }
    if (rank < 1) throw new IllegalArgumentException(name + ": IDX rank must be at least 1, got " + rank);
    int[] shape = new int[rank];
    long total = 1;
    for (int i = 0; i < rank; i++) {
      try {
        shape[i] = d.readInt();
      } catch (EOFException e) {
        throw new IllegalArgumentException(name + ": truncated IDX header");
      }
      if (shape[i] < 0) throw new IllegalArgumentException(name + ": negative IDX dimension " + shape[i]);
    }
    if (limit > 0 && limit < shape[0]) shape[0] = limit;
    for (int s0 : shape) total *= s0;
    if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(name + ": " + total + " values do not fit in one array");
    double[] out = new double[(int) total];
    byte[] buf = new byte[8192 * width];
    int k = 0;
    try {
      while (k < out.length) {
        int want = Math.min(buf.length / width, out.length - k) * width;
        d.readFully(buf, 0, want);
        for (int p = 0; p < want; p += width, k++) out[k] = decode(buf, p, type);
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException(name + ": truncated IDX data: expected " + total + " values, got " + k);
    }
    return new NpyArray(shape, out);
  }

  private static double decode(byte[] b, int p, int type) {
    switch (type) {
      case 0x08: return b[p] & 0xff;
      case 0x09: return b[p];
      case 0x0B: return (short) (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
      case 0x0C: return int32(b, p);
      case 0x0D: return Float.intBitsToFloat(int32(b, p));
      default: {
        long v = ((long) int32(b, p) << 32) | (int32(b, p + 4) & 0xffffffffL);
        return Double.longBitsToDouble(v);
      }
    }
  }

  private static int int32(byte[] b, int p) {
    return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
  }
}
