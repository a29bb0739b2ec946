package org.ntk4j.gpu;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * Detects a CUDA device once per JVM. Loading JCuda's driver JNI library needs the driver's {@code libcuda.so.1}; on a
 * machine without it the load fails (UnsatisfiedLinkError, then NoClassDefFoundError on later use): the failure is
 * caught here, once, and reported as "no CUDA device: ...", so nothing breaks and the CPU backend is used.
 */
public final class CudaRuntime {
  private CudaRuntime() {}

  /** Result of the probe: {@code reason == null} when a device is usable. */
  public record Status(String reason, String deviceName, int ccMajor, int ccMinor, long totalMemory) {
    public boolean available() { return reason == null; }

    @Override public String toString() {
      return available() ? deviceName + " (sm_" + ccMajor + ccMinor + ", " + (totalMemory >> 20) + " MiB)" : reason;
    }
  }

  private static volatile Status status;

  /** The probe's result (computed on first call; never throws). */
  public static Status status() {
    Status s = status;
    if (s == null) {
      synchronized (CudaRuntime.class) {
        s = status;
        if (s == null) status = s = probe();
      }
    }
    return s;
  }

  private static Status probe() {
    if (Boolean.getBoolean("ntk4j.gpu.disable")) return new Status("no CUDA device: disabled by -Dntk4j.gpu.disable=true", null, 0, 0, 0);
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] count = {0};
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] < 1) return new Status("no CUDA device: the driver reports 0 devices", null, 0, 0, 0);
      CUdevice dev = new CUdevice();
      JCudaDriver.cuDeviceGet(dev, 0);
      byte[] name = new byte[256];
      JCudaDriver.cuDeviceGetName(name, name.length, dev);
      int[] major = {0}, minor = {0};
      JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
      JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
      long[] mem = {0};
      JCudaDriver.cuDeviceTotalMem(mem, dev);
      int len = 0;
      while (len < name.length && name[len] != 0) len++;
      if (major[0] < 8) {
        return new Status("no usable CUDA device: " + new String(name, 0, len) + " is sm_" + major[0] + minor[0]
            + "; the PTX needs compute capability 8.0 or newer", null, 0, 0, 0);
      }
      return new Status(null, new String(name, 0, len), major[0], minor[0], mem[0]);
    } catch (Throwable t) { // UnsatisfiedLinkError (no libcuda.so.1), NoClassDefFoundError, CudaException
      return new Status("no CUDA device: " + oneLine(t), null, 0, 0, 0);
    }
  }

  private static final java.util.regex.Pattern MISSING_SO =
      java.util.regex.Pattern.compile("([\\w.+-]+\\.so[.0-9]*): cannot open shared object file");

  /** A native-load failure in one line: JCuda's loader reports both attempts with nested stack traces. */
  static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null) m = t.getClass().getSimpleName();
    java.util.regex.Matcher so = MISSING_SO.matcher(m);
    String missing = null;
    while (so.find()) missing = so.group(1);
    if (missing != null) {
      return missing.startsWith("libcuda")
          ? "the CUDA driver library " + missing + " is not installed (" + t.getClass().getSimpleName() + ")"
          : "native library " + missing + " not found (" + t.getClass().getSimpleName() + ")";
    }
    String first = m.strip().split("\\R", 2)[0];
    first = t.getClass().getSimpleName() + ": " + first.replaceAll("\\s+", " ");
    return first.length() > 240 ? first.substring(0, 240) + "..." : first;
  }

}
