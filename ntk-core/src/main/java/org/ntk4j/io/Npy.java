package org.ntk4j.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;

/**
 * numpy's {@code .npy} format (versions 1.0, 2.0 and 3.0).
 *
 * <p>Reads float32 ({@code <f4}, {@code >f4}) and float64 ({@code <f8}, {@code >f8}) arrays of any rank in C order into
 * float64 (float32 widens exactly). Everything else is refused with an {@link IllegalArgumentException} whose message
 * starts with the file name and says what is wrong: a wrong magic string, a truncated header or data, trailing bytes,
 * Fortran order, a dtype that is not a float32/float64 (integers, bool, complex, object, strings, structured, float16,
 * long double), an empty array, NaN or infinite values (naming the first index). I/O failures (a missing file, no
 * permission) are thrown as {@link IOException}.
 *
 * <p>Writes float64 little-endian C-order arrays of any shape (format 1.0, or 2.0 when the header needs it), which
 * {@code numpy.load} reads back bit for bit.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int CHUNK = 1 << 20; // bytes per I/O step, a multiple of 8
  private static final int MAX_HEADER = 1 << 20;
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private Npy() {}

  // ------------------------------------------------------------------------------------------------ reading

  /** Reads a float32/float64 array; see the class comment for what is refused. */
  public static NpyArray read(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(ch, ch.size(), path.toString());
    }
  }

  /** Reads an array from bytes (e.g. a resource); {@code name} is used in error messages. */
  public static NpyArray read(byte[] bytes, String name) throws IOException {
    return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, name);
  }

  /** Reads an array from a stream of unknown length; {@code name} is used in error messages. */
  public static NpyArray read(InputStream in, String name) throws IOException {
    return read(Channels.newChannel(in), -1, name);
  }

  /** A batch of inputs from a file of shape (n, d), (n, L, C) or (n, H, W, C). */
  public static Inputs readInputs(Path path) throws IOException {
    return toInputs(read(path), path.toString());
  }

  /**
   * The inputs held by an array of shape (n, d) (flat vectors), (n, L, C) (1-D signals with C channels) or
   * (n, H, W, C) (images, channels last). Rank 1 and rank above 4 are refused, naming {@code name}.
   */
  public static Inputs toInputs(NpyArray a, String name) {
    int[] s = a.shape();
    String expect = "inputs need shape (n, d), (n, L, C) or (n, H, W, C) with the batch axis first";
    if (s.length == 0) throw bad(name, "holds a scalar; " + expect);
    if (s.length == 1) {
      throw bad(name, "has shape " + shapeText(s) + ": " + expect + "; for one input of dimension " + s[0]
          + " save it with shape (1, " + s[0] + "), for " + s[0] + " scalar inputs with shape (" + s[0] + ", 1)");
    }
    if (s.length > 4) throw bad(name, "has rank " + s.length + " shape " + shapeText(s) + ": " + expect);
    for (int d : s) if (d == 0) throw bad(name, "is empty: shape " + shapeText(s));
    int[] dims = java.util.Arrays.copyOfRange(s, 1, s.length);
    return new Inputs(s[0], Shape.fromDims(dims), a.data());
  }

  private static NpyArray read(ReadableByteChannel ch, long size, String name) throws IOException {
    if (size == 0) throw bad(name, "is empty (0 bytes), not a .npy file");
    ByteBuffer pre = ByteBuffer.allocate(8);
    int got = readFully(ch, pre);
    for (int i = 0; i < Math.min(got, MAGIC.length); i++) {
      if (pre.get(i) != MAGIC[i]) throw bad(name, "not a .npy file: wrong magic (starts with " + hex(pre, got) + ", expected 93 4e 55 4d 50 59 = \\x93NUMPY)");
    }
    if (got < 8) throw bad(name, "truncated: " + got + " bytes, too short for a .npy header");
    int major = pre.get(6) & 0xff;
    int minor = pre.get(7) & 0xff;
    if (major < 1 || major > 3 || minor != 0) {
      throw bad(name, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
    }
    int lenBytes = major == 1 ? 2 : 4;
    ByteBuffer lb = ByteBuffer.allocate(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
    if (readFully(ch, lb) < lenBytes) throw bad(name, "truncated: the file ends inside the header length");
    long headerLen = major == 1 ? (lb.getShort(0) & 0xffff) : (lb.getInt(0) & 0xffffffffL);
    if (headerLen > MAX_HEADER) throw bad(name, "corrupt header: it claims " + headerLen + " bytes");
    long dataOffset = 8 + lenBytes + headerLen;
    if (size >= 0 && size < dataOffset) {
      throw bad(name, "truncated header: it claims " + headerLen + " bytes but the file has only " + (size - 8 - lenBytes) + " after the magic");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
    if (readFully(ch, hb) < headerLen) throw bad(name, "truncated header: the file ends inside the " + headerLen + "-byte header");
    String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

    Header h = Header.parse(header, name);
    long n = 1;
    for (long d : h.shape) {
      n *= d;
      if (n > MAX_VALUES) n = MAX_VALUES + 1; // saturate; refused below
    }
    String st = shapeText(h.shape);
    if (n == 0) throw bad(name, "is empty: shape " + st + " has no values");
    if (n > MAX_VALUES) throw bad(name, "is too large: shape " + st + " does not fit in one Java array (at most " + MAX_VALUES + " values)");
    int count = (int) n;
    long dataBytes = n * h.itemSize;
    if (size >= 0) {
      long avail = size - dataOffset;
      if (avail < dataBytes) {
        throw bad(name, "truncated data: shape " + st + " of " + h.typeName() + " needs " + dataBytes + " bytes but only "
            + avail + " follow the header");
      }
      if (avail > dataBytes) {
        throw bad(name, "has " + (avail - dataBytes) + " unexpected bytes after the data (shape " + st + " of " + h.typeName()
            + " needs " + dataBytes + ")");
      }
    }
    double[] data = new double[count];
    readData(ch, data, h, name);
    if (size < 0) {
      ByteBuffer extra = ByteBuffer.allocate(1);
      if (readFully(ch, extra) > 0) throw bad(name, "has unexpected bytes after the data (shape " + st + " of " + h.typeName() + ")");
    }
    int[] shape = new int[h.shape.length];
    for (int i = 0; i < shape.length; i++) shape[i] = (int) h.shape[i];
    checkFinite(data, shape, name);
    return new NpyArray(shape, data);
  }

  private static void readData(ReadableByteChannel ch, double[] data, Header h, String name) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(h.order);
    int item = h.itemSize;
    int done = 0;
    while (done < data.length) {
      int cnt = Math.min(data.length - done, CHUNK / item);
      buf.clear().limit(cnt * item);
      int got = readFully(ch, buf);
      if (got < cnt * item) {
        throw bad(name, "truncated data: the file ends after " + (done + got / item) + " of " + data.length + " values");
      }
      buf.flip();
      if (item == 8) {
        buf.asDoubleBuffer().get(data, done, cnt);
      } else {
        java.nio.FloatBuffer fb = buf.asFloatBuffer();
        for (int i = 0; i < cnt; i++) data[done + i] = fb.get(i);
      }
      done += cnt;
    }
  }

  private static void checkFinite(double[] data, int[] shape, String name) {
    int first = -1;
    long bad = 0;
    for (int i = 0; i < data.length; i++) {
      if (!Double.isFinite(data[i])) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (first < 0) return;
    double v = data[first];
    String what = Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    throw bad(name, "has a non-finite value: " + what + " at index " + indexText(first, shape)
        + (bad > 1 ? " (" + bad + " non-finite values in all)" : ""));
  }

  /** The multi-index {@code (i, j, ...)} of a flat C-order index. */
  static String indexText(long flat, int[] shape) {
    long[] idx = new long[shape.length];
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k] = flat % shape[k];
      flat /= shape[k];
    }
    StringBuilder sb = new StringBuilder("(");
    for (int k = 0; k < idx.length; k++) {
      if (k > 0) sb.append(", ");
      sb.append(idx[k]);
    }
    if (idx.length == 1) sb.append(',');
    return sb.append(')').toString();
  }

  private static int readFully(ReadableByteChannel ch, ByteBuffer b) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int r = ch.read(b);
      if (r < 0) break;
      total += r;
    }
    return total;
  }

  private static String hex(ByteBuffer b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, 6); i++) {
      if (i > 0) sb.append(' ');
      sb.append(String.format("%02x", b.get(i) & 0xff));
    }
    return sb.toString();
  }

  static IllegalArgumentException bad(String name, String problem) {
    return new IllegalArgumentException(name + ": " + problem);
  }

  /** numpy's notation for a shape: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
  public static String shapeText(int[] shape) {
    long[] l = new long[shape.length];
    for (int i = 0; i < l.length; i++) l[i] = shape[i];
    return shapeText(l);
  }

  static String shapeText(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) sb.append(", ");
      sb.append(shape[i]);
    }
    if (shape.length == 1) sb.append(',');
    return sb.append(')').toString();
  }

  // ------------------------------------------------------------------------------------------------ header

  /** The parsed header dictionary: dtype, order and shape. */
  private static final class Header {
    ByteOrder order;
    int itemSize;
    long[] shape;

    String typeName() { return itemSize == 8 ? "float64" : "float32"; }

    static Header parse(String text, String name) {
      Object parsed;
      try {
        parsed = new Literal(text).parseTop();
      } catch (IllegalStateException e) {
        throw bad(name, "malformed header (" + e.getMessage() + "): " + abbreviate(text));
      }
      if (!(parsed instanceof Map<?, ?> dict)) throw bad(name, "malformed header: not a dictionary: " + abbreviate(text));
      for (Object k : dict.keySet()) {
        if (!"descr".equals(k) && !"fortran_order".equals(k) && !"shape".equals(k)) {
          throw bad(name, "malformed header: unexpected key '" + k + "' (expected descr, fortran_order, shape)");
        }
      }
      Object descr = dict.get("descr");
      Object fortran = dict.get("fortran_order");
      Object shape = dict.get("shape");
      if (descr == null) throw bad(name, "malformed header: no 'descr' (dtype) key: " + abbreviate(text));
      if (fortran == null) throw bad(name, "malformed header: no 'fortran_order' key: " + abbreviate(text));
      if (shape == null) throw bad(name, "malformed header: no 'shape' key: " + abbreviate(text));
      Header h = new Header();
      if (!(descr instanceof String d)) {
        throw bad(name, "has a structured dtype " + abbreviate(String.valueOf(descr)) + ", which is not supported: expected"
            + " float32 or float64 (save a plain float array)");
      }
      dtype(d, name, h);
      if (!(fortran instanceof Boolean f)) throw bad(name, "malformed header: fortran_order is not True or False");
      if (f) {
        throw bad(name, "is stored in Fortran (column-major) order, which is not supported: save it in C order,"
            + " e.g. np.save(path, np.ascontiguousarray(x))");
      }
      if (!(shape instanceof List<?> dims)) throw bad(name, "malformed header: shape is not a tuple: " + abbreviate(text));
      h.shape = new long[dims.size()];
      for (int i = 0; i < dims.size(); i++) {
        Object o = dims.get(i);
        if (!(o instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
          throw bad(name, "malformed header: shape entry " + o + " is not a dimension: " + abbreviate(text));
        }
        h.shape[i] = v;
      }
      return h;
    }

    private static void dtype(String d, String name, Header h) {
      String s = d.trim();
      char order = '=';
      if (!s.isEmpty() && "<>=|".indexOf(s.charAt(0)) >= 0) {
        order = s.charAt(0);
        s = s.substring(1);
      }
      if (s.equals("f8") || s.equals("f4")) {
        if (order == '|') throw bad(name, "dtype '" + d + "' has no byte order; expected '<" + s + "' or '>" + s + "'");
        h.itemSize = s.equals("f8") ? 8 : 4;
        h.order = order == '<' ? ByteOrder.LITTLE_ENDIAN : order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.nativeOrder();
        return;
      }
      throw bad(name, "has dtype '" + d + "' (" + describe(s) + "), which is not supported: expected float32 ('<f4') or"
          + " float64 ('<f8'); convert with x.astype(np.float64)");
    }

    private static String describe(String s) {
      if (s.isEmpty()) return "empty";
      String size = s.substring(1);
      int bits = -1;
      try {
        bits = Integer.parseInt(size) * 8;
      } catch (NumberFormatException ignored) {
        // e.g. datetime units
      }
      String b = bits > 0 ? bits + "-bit " : "";
      switch (s.charAt(0)) {
        case 'i': return b + "signed integer";
        case 'u': return b + "unsigned integer";
        case 'b': case '?': return "bool";
        case 'c': return b + "complex";
        case 'f': return b + "float";
        case 'O': return "Python object";
        case 'U': return "unicode string";
        case 'S': case 'a': return "byte string";
        case 'V': return "raw bytes / structured";
        case 'M': return "datetime";
        case 'm': return "timedelta";
        default: return "unknown type";
      }
    }
  }

  private static String abbreviate(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** The Python literal subset of .npy headers: dicts, strings, True/False/None, integers, tuples and lists. */
  private static final class Literal {
    private final String s;
    private int i;

    Literal(String s) { this.s = s; }

    Object parseTop() {
      Object v = value();
      ws();
      if (i < s.length()) throw new IllegalStateException("unexpected text after the dictionary at offset " + i);
      return v;
    }

    private void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

    private char peek() {
      ws();
      if (i >= s.length()) throw new IllegalStateException("unexpected end");
      return s.charAt(i);
    }

    private Object value() {
      char c = peek();
      if (c == '{') return dict();
      if (c == '(') return seq(')');
      if (c == '[') return seq(']');
      if (c == '\'' || c == '"') return string();
      if (c == '-' || Character.isDigit(c)) return integer();
      if (s.startsWith("True", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("False", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("None", i)) { i += 4; return "None"; }
      throw new IllegalStateException("unexpected '" + c + "' at offset " + i);
    }

    private Map<Object, Object> dict() {
      i++; // {
      Map<Object, Object> m = new LinkedHashMap<>();
      while (true) {
        if (peek() == '}') { i++; return m; }
        Object k = value();
        if (peek() != ':') throw new IllegalStateException("expected ':' at offset " + i);
        i++;
        Object v = value();
        if (m.put(k, v) != null) throw new IllegalStateException("duplicate key " + k);
        char c = peek();
        if (c == ',') i++;
        else if (c != '}') throw new IllegalStateException("expected ',' or '}' at offset " + i);
      }
    }

    private List<Object> seq(char close) {
      i++;
      List<Object> l = new ArrayList<>();
      while (true) {
        if (peek() == close) { i++; return l; }
        l.add(value());
        char c = peek();
        if (c == ',') i++;
        else if (c != close) throw new IllegalStateException("expected ',' or '" + close + "' at offset " + i);
      }
    }

    private String string() {
      char q = s.charAt(i++);
      StringBuilder sb = new StringBuilder();
      while (i < s.length() && s.charAt(i) != q) {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) c = s.charAt(i++);
        sb.append(c);
      }
      if (i >= s.length()) throw new IllegalStateException("unterminated string");
      i++;
      return sb.toString();
    }

    private Long integer() {
      int start = i;
      if (s.charAt(i) == '-') i++;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      String digits = s.substring(start, i);
      if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) i++; // Python 2 long
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("bad integer '" + digits + "'");
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ writing

  /** Writes a float64 little-endian C-order array of the given shape (creating or replacing the file). */
  public static void write(Path path, int[] shape, double[] data) throws IOException {
    checkShape(shape, data);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      write(ch, shape, data);
      ch.force(true);
    }
  }

  public static void write(Path path, NpyArray a) throws IOException { write(path, a.shape(), a.data()); }

  /** Writes to a stream (not closed). */
  public static void write(OutputStream out, int[] shape, double[] data) throws IOException {
    checkShape(shape, data);
    WritableByteChannel ch = Channels.newChannel(out);
    write(ch, shape, data);
    out.flush();
  }

  /** The bytes of a .npy file holding the array. */
  public static byte[] toBytes(int[] shape, double[] data) {
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream(data.length * 8 + 128);
    try {
      write(bo, shape, data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bo.toByteArray();
  }

  private static void checkShape(int[] shape, double[] data) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + shapeText(shape));
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + shapeText(shape) + " holds " + n + " values but data has " + data.length);
    }
  }

  private static void write(WritableByteChannel ch, int[] shape, double[] data) throws IOException {
    writeAll(ch, ByteBuffer.wrap(header(shape)));
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < data.length) {
      int cnt = Math.min(data.length - done, CHUNK / 8);
      buf.clear();
      buf.asDoubleBuffer().put(data, done, cnt);
      buf.limit(cnt * 8);
      writeAll(ch, buf);
      done += cnt;
    }
  }

  private static void writeAll(WritableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.write(b) < 0) throw new EOFException("channel closed");
    }
  }

  /** Magic, version, length and the header dictionary padded with spaces and a newline to a multiple of 64 bytes. */
  static byte[] header(int[] shape) {
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    int major = 1;
    int pre = 10;
    int total = pad(pre + dict.length() + 1);
    if (total - pre > 0xffff) {
      major = 2;
      pre = 12;
      total = pad(pre + dict.length() + 1);
    }
    int hlen = total - pre;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) b.putShort((short) hlen);
    else b.putInt(hlen);
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (b.position() < total - 1) b.put((byte) ' ');
    b.put((byte) '\n');
    return b.array();
  }

  private static int pad(int n) { return (n + 63) / 64 * 64; }
}
