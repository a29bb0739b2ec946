package org.ntk4j.jupyter;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * The statics notebook code calls, imported into every session ({@code import static org.ntk4j.jupyter.Display.*}),
 * with the names and behaviour of IJava's runtime: {@code display(Plots.toImage(plot))} shows a
 * {@link java.awt.image.RenderedImage} inline as {@code image/png}; other objects go through the kernel's renderer.
 */
public final class Display {
  private Display() {}

  /** Shows {@code o} below the cell; returns its display id. */
  public static String display(Object o) {
    JavaKernel k = JavaKernel.current();
    return k.publish(k.render(o));
  }

  /** Shows {@code o} rendered as the given MIME types (e.g. {@code "text/html"}); returns its display id. */
  public static String display(Object o, String... mimeTypes) {
    JavaKernel k = JavaKernel.current();
    return k.publish(k.render(o, mimeTypes));
  }

  /** The display data {@code o} would be shown as. */
  public static DisplayData render(Object o) { return JavaKernel.current().render(o); }

  /** The display data {@code o} would be shown as, in the given MIME types. */
  public static DisplayData render(Object o, String... mimeTypes) { return JavaKernel.current().render(o, mimeTypes); }
}
