package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path tmp;

  /** A 3 × 2 × 2 unsigned-byte file written by hand, the layout of MNIST images. */
  static byte[] ubyteImages() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x00000803);
    d.writeInt(3);
    d.writeInt(2);
    d.writeInt(2);
    for (int i = 0; i < 12; i++) d.writeByte(i * 20 + 15); // 15, 35, ..., 235 (≥ 128 tests unsignedness)
    return b.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(raw);
    }
    return b.toByteArray();
  }

  @Test
  void readsPlainAndGzippedUnsignedBytes() throws IOException {
    for (byte[] bytes : new byte[][] {ubyteImages(), gzip(ubyteImages())}) {
      NpyArray a = Idx.read(new ByteArrayInputStream(bytes), "x", 0);
      assertArrayEquals(new int[] {3, 2, 2}, a.shape());
      for (int i = 0; i < 12; i++) assertEquals(i * 20 + 15, a.data()[i], 0.0);
    }
    NpyArray first = Idx.read(new ByteArrayInputStream(gzip(ubyteImages())), "x", 2);
    assertArrayEquals(new int[] {2, 2, 2}, first.shape());
    assertEquals(155, first.data()[7], 0.0);
  }

  @Test
  void readsOtherTypes() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x00000E01);
    d.writeInt(2);
    d.writeDouble(-1.5);
    d.writeDouble(Math.PI);
    NpyArray a = Idx.read(new ByteArrayInputStream(b.toByteArray()), "d", 0);
    assertArrayEquals(new double[] {-1.5, Math.PI}, a.data());
    b.reset();
    d.writeInt(0x00000B01);
    d.writeInt(2);
    d.writeShort(-300);
    d.writeShort(7);
    assertArrayEquals(new double[] {-300, 7}, Idx.read(new ByteArrayInputStream(b.toByteArray()), "s", 0).data());
  }

  @Test
  void refusesBadFilesWithTheirName() throws IOException {
    byte[] ok = ubyteImages();
    byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Idx.read(new ByteArrayInputStream(truncated), "cut.idx", 0));
    assertTrue(e.getMessage().contains("cut.idx") && e.getMessage().contains("truncated"), e.getMessage());
    byte[] npy = Npy.toBytes(new int[] {1}, new double[] {1});
    e = assertThrows(IllegalArgumentException.class, () -> Idx.read(new ByteArrayInputStream(npy), "a.npy", 0));
    assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Idx.read(new ByteArrayInputStream(new byte[0]), "empty", 0));
    Path p = Files.write(tmp.resolve("f.gz"), gzip(ok));
    assertEquals(12, Idx.read(p).size());
  }
}
