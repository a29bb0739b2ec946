package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;

class NpyTest {
  @TempDir Path dir;

  // Files written by numpy 2.4 (np.save / np.lib.format.write_array) of a = (np.arange(6).reshape(2, 3) - 2.5) / 4
  // in each dtype and format version; the values are exact in float32.
  private static final String F8LE = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADkvwAAAAAAANi/AAAAAAAAwL8AAAAAAADAPwAAAAAAANg/AAAAAAAA5D8=";
  private static final String F8BE = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAq/5AAAAAAAAL/YAAAAAAAAv8AAAAAAAAA/wAAAAAAAAD/YAAAAAAAAP+QAAAAAAAA=";
  private static final String F4LE = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAACC/AADAvgAAAL4AAAA+AADAPgAAID8=";
  private static final String F4BE = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAq/IAAAvsAAAL4AAAA+AAAAPsAAAD8gAAA=";
  private static final String V2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADkvwAAAAAAANi/AAAAAAAAwL8AAAAAAADAPwAAAAAAANg/AAAAAAAA5D8=";
  private static final String V3 = "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADkvwAAAAAAANi/AAAAAAAAwL8AAAAAAADAPwAAAAAAANg/AAAAAAAA5D8=";
  private static final String FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADkvwAAAAAAAMA/AAAAAAAA2L8AAAAAAADYPwAAAAAAAMC/AAAAAAAA5D8=";
  private static final String I8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAA=";
  private static final String BOOL = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAA==";
  private static final String C16 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGMxNicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA";
  private static final String F2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPA==";
  private static final String STRUCT = "k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJzxmOCcpLCAoJ2InLCAnPGY0JyldLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  private static final String SCALAR = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAMQA==";
  private static final String NAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAA+H8AAAAAAADwfw==";
  // np.arange(12, dtype='<f4').reshape(2, 2, 3, 1)
  private static final String RANK4_F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIsIDMsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQAAAAEEAABBBAAAgQQAAMEE=";

  private static final double[] A = {-0.625, -0.375, -0.125, 0.125, 0.375, 0.625};

  private static byte[] b64(String s) { return Base64.getDecoder().decode(s); }

  /** A .npy file built by hand, independently of {@link Npy}: any version, dtype and byte order. */
  static byte[] handMade(int major, String descr, boolean fortran, int[] shape, double[] values) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
        + Npy.shapeText(shape) + ", }";
    int pre = major == 1 ? 10 : 12;
    int total = ((pre + dict.length() + 1) + 63) / 64 * 64;
    StringBuilder h = new StringBuilder(dict);
    while (pre + h.length() + 1 < total) h.append(' ');
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    boolean f4 = descr.endsWith("f4");
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer b = ByteBuffer.allocate(pre + hb.length + values.length * (f4 ? 4 : 8));
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    b.order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) b.putShort((short) hb.length);
    else b.putInt(hb.length);
    b.put(hb);
    b.order(order);
    for (double v : values) {
      if (f4) b.putFloat((float) v);
      else b.putDouble(v);
    }
    return b.array();
  }

  private static IllegalArgumentException refused(byte[] bytes, String name) {
    return assertThrows(IllegalArgumentException.class, () -> Npy.read(bytes, name));
  }

  private static void assertMessage(Throwable e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
  }

  // ------------------------------------------------------------------------------------------------ numpy's files

  @Test
  void readsNumpyFilesOfEveryDtypeOrderAndVersion() throws IOException {
    for (String s : new String[] {F8LE, F8BE, F4LE, F4BE, V2, V3}) {
      NpyArray a = Npy.read(b64(s), "numpy.npy");
      assertArrayEquals(new int[] {2, 3}, a.shape());
      assertArrayEquals(A, a.data(), 0.0);
    }
    NpyArray s = Npy.read(b64(SCALAR), "scalar.npy");
    assertEquals(0, s.rank());
    assertArrayEquals(new double[] {3.5}, s.data(), 0.0);
  }

  @Test
  void writesTheSameBytesAsNumpy() {
    assertArrayEquals(b64(F8LE), Npy.toBytes(new int[] {2, 3}, A));
  }

  @Test
  void readsFromStreamsOfUnknownLength() throws IOException {
    NpyArray a = Npy.read(new ByteArrayInputStream(b64(F4BE)), "stream");
    assertArrayEquals(A, a.data(), 0.0);
    byte[] cut = Arrays.copyOf(b64(F8LE), b64(F8LE).length - 3);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> Npy.read(new ByteArrayInputStream(cut), "stream")),
        "stream: truncated data");
    byte[] longer = Arrays.copyOf(b64(F8LE), b64(F8LE).length + 1);
    assertMessage(assertThrows(IllegalArgumentException.class, () -> Npy.read(new ByteArrayInputStream(longer), "stream")),
        "unexpected bytes after the data");
  }

  // ------------------------------------------------------------------------------------------------ round trips

  @Test
  void handMadeFilesOfEveryKindReadBack() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    int[][] shapes = {{1}, {5}, {3, 4}, {2, 3, 4}, {2, 2, 3, 2}, {1, 2, 1, 3, 2}, {}};
    for (int major = 1; major <= 3; major++) {
      for (String descr : new String[] {"<f8", ">f8", "<f4", ">f4"}) {
        for (int[] shape : shapes) {
          int n = 1;
          for (int d : shape) n *= d;
          double[] v = new double[n];
          for (int i = 0; i < n; i++) v[i] = descr.endsWith("f4") ? (float) r.nextGaussian() : r.nextGaussian() * 1e3;
          NpyArray a = Npy.read(handMade(major, descr, false, shape, v), "x.npy");
          assertArrayEquals(shape, a.shape(), descr + " " + Arrays.toString(shape));
          assertArrayEquals(v, a.data(), 0.0, descr + " v" + major + " " + Arrays.toString(shape));
        }
      }
    }
  }

  @Test
  void writeThenReadIsBitwiseForAnyShapeAndSpecialValues() throws IOException {
    double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, Math.PI};
    int[][] shapes = {{8}, {2, 4}, {2, 2, 2}, {1, 2, 2, 2}, {1, 1, 2, 1, 4}};
    for (int[] shape : shapes) {
      Path p = dir.resolve("rt.npy");
      Npy.write(p, shape, special);
      NpyArray a = Npy.read(p);
      assertArrayEquals(shape, a.shape());
      for (int i = 0; i < special.length; i++) {
        assertEquals(Double.doubleToRawLongBits(special[i]), Double.doubleToRawLongBits(a.data()[i]));
      }
      assertEquals(0, Files.size(p) % 8);
    }
    // a large array crosses the I/O chunk boundary
    SplittableRandom r = new SplittableRandom(3);
    double[] big = new double[300_001];
    for (int i = 0; i < big.length; i++) big[i] = r.nextGaussian();
    Path p = dir.resolve("big.npy");
    Npy.write(p, new int[] {big.length}, big);
    assertArrayEquals(big, Npy.read(p).data(), 0.0);
  }

  @Test
  void writesFormat2WhenTheHeaderIsLong() throws IOException {
    int[] shape = new int[25_000];
    Arrays.fill(shape, 1);
    byte[] bytes = Npy.toBytes(shape, new double[] {2.5});
    assertEquals(2, bytes[6]);
    NpyArray a = Npy.read(bytes, "long.npy");
    assertArrayEquals(shape, a.shape());
    assertArrayEquals(new double[] {2.5}, a.data(), 0.0);
    assertEquals(1, Npy.toBytes(new int[] {2, 3}, A)[6]);
  }

  @Test
  void writerRefusesDataThatDoesNotMatchTheShape() {
    assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), new int[] {2, 2}, new double[3]));
  }

  // ------------------------------------------------------------------------------------------------ refusals

  @Test
  void refusesWrongMagic() {
    assertMessage(refused("PK\u0003\u0004hello world".getBytes(StandardCharsets.ISO_8859_1), "data.npz"),
        "data.npz: not a .npy file: wrong magic", "50 4b 03 04");
    assertMessage(refused("1.0,2.0\n3.0,4.0\n".getBytes(StandardCharsets.ISO_8859_1), "x.csv"), "x.csv", "wrong magic");
    assertMessage(refused(new byte[0], "empty.npy"), "empty.npy: is empty (0 bytes)");
  }

  @Test
  void refusesTruncatedFiles() {
    byte[] f = b64(F8LE);
    assertMessage(refused(Arrays.copyOf(f, 5), "t.npy"), "t.npy: truncated");
    assertMessage(refused(Arrays.copyOf(f, 9), "t.npy"), "t.npy: truncated");
    assertMessage(refused(Arrays.copyOf(f, 60), "t.npy"), "t.npy: truncated header");
    assertMessage(refused(Arrays.copyOf(f, f.length - 8), "t.npy"), "t.npy: truncated data", "(2, 3)", "48 bytes", "only 40");
    assertMessage(refused(Arrays.copyOf(f, f.length + 4), "t.npy"), "t.npy: has 4 unexpected bytes after the data");
  }

  @Test
  void refusesFortranOrder() {
    assertMessage(refused(b64(FORTRAN), "f.npy"), "f.npy: is stored in Fortran (column-major) order", "np.ascontiguousarray");
  }

  @Test
  void refusesNonFloatDtypes() {
    assertMessage(refused(b64(I8), "i.npy"), "i.npy: has dtype '<i8' (64-bit signed integer)", "expected float32");
    assertMessage(refused(b64(BOOL), "b.npy"), "b.npy: has dtype '|b1' (bool)");
    assertMessage(refused(b64(C16), "c.npy"), "c.npy: has dtype '<c16' (128-bit complex)");
    assertMessage(refused(b64(F2), "h.npy"), "h.npy: has dtype '<f2' (16-bit float)");
    assertMessage(refused(b64(STRUCT), "s.npy"), "s.npy: has a structured dtype");
    assertMessage(refused(handMade(1, "|O", false, new int[] {1}, new double[0]), "o.npy"), "o.npy: has dtype '|O' (Python object)");
    assertMessage(refused(handMade(1, "<U5", false, new int[] {1}, new double[0]), "u.npy"), "(unicode string)");
    assertMessage(refused(handMade(1, "<u2", false, new int[] {1}, new double[0]), "u.npy"), "(16-bit unsigned integer)");
    assertMessage(refused(handMade(1, "<f16", false, new int[] {1}, new double[0]), "g.npy"), "(128-bit float)");
  }

  @Test
  void refusesNonFiniteValuesNamingTheIndex() {
    assertMessage(refused(b64(NAN), "n.npy"), "n.npy: has a non-finite value: NaN at index (1, 0)", "2 non-finite values in all");
    double[] v = new double[24];
    v[17] = Double.NEGATIVE_INFINITY;
    assertMessage(refused(handMade(1, ">f4", false, new int[] {2, 3, 4}, v), "inf.npy"),
        "inf.npy: has a non-finite value: -Inf at index (1, 1, 1)");
    assertTrue(!refused(handMade(1, ">f4", false, new int[] {2, 3, 4}, v), "inf.npy").getMessage().contains("in all"));
  }

  @Test
  void refusesEmptyArraysBadVersionsAndMalformedHeaders() {
    assertMessage(refused(handMade(1, "<f8", false, new int[] {0, 3}, new double[0]), "z.npy"), "z.npy: is empty: shape (0, 3)");
    byte[] v4 = b64(F8LE).clone();
    v4[6] = 4;
    assertMessage(refused(v4, "v.npy"), "v.npy: unsupported .npy format version 4.0");
    byte[] bad = b64(F8LE).clone();
    bad[10] = '[';
    assertMessage(refused(bad, "m.npy"), "m.npy: malformed header");
    byte[] noShape = b64(F8LE).clone();
    String h = new String(noShape, StandardCharsets.ISO_8859_1).replace("'shape'", "'shapf'");
    assertMessage(refused(h.getBytes(StandardCharsets.ISO_8859_1), "k.npy"), "k.npy: malformed header: unexpected key 'shapf'");
  }

  @Test
  void missingFileIsAnIoError() {
    assertThrows(NoSuchFileException.class, () -> Npy.read(dir.resolve("nope.npy")));
  }

  // ------------------------------------------------------------------------------------------------ inputs

  @Test
  void arraysBecomeInputsOfEachRank() throws IOException {
    Inputs flat = Npy.toInputs(Npy.read(b64(F8BE), "x.npy"), "x.npy");
    assertEquals(2, flat.n());
    assertEquals(Shape.flat(3), flat.shape());
    assertArrayEquals(new double[] {0.125, 0.375, 0.625}, flat.row(1), 0.0);

    Inputs img = Npy.toInputs(Npy.read(b64(RANK4_F4), "img.npy"), "img.npy");
    assertEquals(2, img.n());
    assertEquals(Shape.of(new int[] {2, 3}, 1), img.shape());
    assertEquals(7.0, img.get(1, 1));

    double[] v = new double[2 * 5 * 3];
    for (int i = 0; i < v.length; i++) v[i] = i;
    Path p = dir.resolve("sig.npy");
    Npy.write(p, new int[] {2, 5, 3}, v);
    Inputs sig = Npy.readInputs(p);
    assertEquals(Shape.of(new int[] {5}, 3), sig.shape());
    assertEquals(29.0, sig.get(1, 14));
  }

  @Test
  void refusesInputsOfRankOneScalarOrAboveFour() {
    IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
        () -> Npy.toInputs(new NpyArray(new int[] {5}, new double[5]), "v.npy"));
    assertMessage(e1, "v.npy: has shape (5,)", "(n, d), (n, L, C) or (n, H, W, C)", "(1, 5)");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> Npy.toInputs(new NpyArray(new int[] {1, 1, 1, 1, 2}, new double[2]), "r5.npy")), "r5.npy: has rank 5");
    assertMessage(assertThrows(IllegalArgumentException.class,
        () -> Npy.toInputs(new NpyArray(new int[] {}, new double[1]), "s.npy")), "s.npy: holds a scalar");
  }

  @Test
  void indexTextIsNumpyNotation() {
    assertEquals("(1, 2, 3)", Npy.indexText(1 * 12 + 2 * 4 + 3, new int[] {2, 3, 4}));
    assertEquals("(4,)", Npy.indexText(4, new int[] {5}));
  }
}
