package org.ntk4j.layers;

import java.util.Map;

/**
 * Text-form names of the spatial layers (lower case):
 * {@code Conv([channels,] filter, stride=1, padding=VALID, W_std=1, b_std)}, {@code AvgPool(window, stride=1,
 * padding=VALID)}, {@code GlobalAvgPool}, {@code Flatten}, {@code LayerNorm(eps=1e-12)}. Sizes are written {@code 3}
 * (every spatial axis) or {@code 3x3} (per axis).
 */
final class SpatialRegistry {
  private SpatialRegistry() {}

  static void register(Map<String, LayerFactory> m) {
    m.put("conv", a -> {
      Args.Value first = a.nextPositional();
      Args.Value second = a.nextPositional();
      int width = 0;
      Args.Value filterValue;
      if (second != null) {
        width = a.parseInt(first, "channels");
        if (width <= 0) throw a.fail(first, "channels must be positive, got " + first.text());
        filterValue = second;
      } else {
        filterValue = first != null ? first : a.named("filter");
      }
      if (filterValue == null) throw a.fail(null, "missing the filter size, e.g. Conv(3) or Conv(16, 3x3)");
      int[] filter = SpatialSpec.parse(a, filterValue, "filter");
      Args.Value st = a.named("stride");
      int[] stride = st == null ? new int[] {1} : SpatialSpec.parse(a, st, "stride");
      Padding padding = Padding.parse(a.word("padding", "VALID"), "at position " + a.position() + ": Conv");
      double w = a.number("W_std", false, 1.0);
      double b = a.number("b_std", false, Double.NaN);
      return new Conv(width, filter, stride, padding, w, b);
    });
    m.put("avgpool", a -> {
      Args.Value first = a.nextPositional();
      if (first == null) first = a.named("window");
      if (first == null) throw a.fail(null, "missing the window size, e.g. AvgPool(2)");
      int[] window = SpatialSpec.parse(a, first, "window");
      Args.Value st = a.named("stride");
      int[] stride = st == null ? new int[] {1} : SpatialSpec.parse(a, st, "stride");
      Padding padding = Padding.parse(a.word("padding", "VALID"), "at position " + a.position() + ": AvgPool");
      return new AvgPool(window, stride, padding);
    });
    m.put("globalavgpool", a -> new GlobalAvgPool());
    m.put("flatten", a -> new Flatten());
    m.put("layernorm", a -> new LayerNorm(a.number("eps", false, LayerNorm.DEFAULT_EPS)));
  }
}
