package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.Shape;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Erf;
import org.ntk4j.layers.Identity;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Relu;
import org.ntk4j.layers.Serial;

/**
 * An architecture lowered to the GPU's op program: {@value #STRIDE} doubles per op (code, p0..p3), the layout that
 * {@code ntk_math.cuh}'s {@code run_program} reads. What lowers: flat inputs through a chain of {@code Dense},
 * {@code Relu}, {@code Erf(a, b, c)} and {@code Identity} (one fused kernel per tile). Everything else is computed by
 * the CPU backend, with the reason from {@link #unsupportedReason}.
 */
public final class GpuProgram {
  public static final int STRIDE = 5;
  public static final int DENSE_NTK = 1;
  public static final int DENSE_STD = 2;
  public static final int RELU = 3;
  public static final int ERF = 4;

  private final double[] ops;
  private final int count;
  private final int slots;
  private final int inputDim;

  private GpuProgram(double[] ops, int count, int slots, int inputDim) {
    this.ops = ops;
    this.count = count;
    this.slots = slots;
    this.inputDim = inputDim;
  }

  /** The packed program, {@link #STRIDE} doubles per op. */
  public double[] packed() { return ops.clone(); }
  public int opCount() { return count; }
  /** Tape slots: self-variances recorded per input (one per nonlinearity). */
  public int tapeSlots() { return slots; }
  /** Features per input (d). */
  public int inputDim() { return inputDim; }

  /** Thrown by {@link #lower} with the reason an architecture stays on the CPU. */
  public static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) { super(reason, null, false, false); }
  }

  /** Null when {@link #lower} succeeds for these inputs, else why the architecture stays on the CPU. */
  public static String unsupportedReason(Layer architecture, Shape input, Parameterization p) {
    try {
      lower(architecture, input, p);
      return null;
    } catch (Unsupported e) {
      return e.getMessage();
    }
  }

  /** Lowers a (validated) architecture for inputs of this shape. */
  public static GpuProgram lower(Layer architecture, Shape input, Parameterization p) throws Unsupported {
    if (!input.isFlat()) {
      throw new Unsupported("inputs of shape " + input + ": convolutional networks are not lowered to the GPU yet"
          + " (only fully connected networks on flat inputs)");
    }
    List<Layer> chain = new ArrayList<>();
    flatten(architecture, chain);
    List<double[]> out = new ArrayList<>();
    int width = input.channels();
    int slots = 0;
    for (Layer l : chain) {
      if (l instanceof Dense d) {
        double w2 = d.wStd() * d.wStd();
        double b2 = d.hasBias() ? d.bStd() * d.bStd() : 0.0;
        if (p == Parameterization.NTK) out.add(new double[] {DENSE_NTK, w2, b2, 0, 0});
        else out.add(new double[] {DENSE_STD, w2, b2, width, d.hasBias() ? 1 : 0});
        width = d.width();
      } else if (l instanceof Relu) {
        out.add(new double[] {RELU, 0, 0, 0, 0});
        slots++;
      } else if (l instanceof Erf e) {
        out.add(new double[] {ERF, e.a(), e.b(), e.c(), 0});
        slots++;
      } else if (l instanceof Identity) {
        // Σ and Θ pass unchanged
      } else {
        throw new Unsupported(l + ": no GPU kernel rule (the GPU lowers Dense, Relu, Erf and Identity chains)");
      }
    }
    double[] ops = new double[out.size() * STRIDE];
    for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, ops, i * STRIDE, STRIDE);
    return new GpuProgram(ops, out.size(), slots, input.channels());
  }

  private static void flatten(Layer l, List<Layer> out) {
    if (l instanceof Serial s) {
      for (Layer c : s.layers()) flatten(c, out);
    } else {
      out.add(l);
    }
  }
}
