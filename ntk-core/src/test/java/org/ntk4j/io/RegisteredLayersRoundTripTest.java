package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.layers.Layer;

/** Round trips of architectures that mix the layers of every family (Conv, pooling, nonlinearities, residuals). */
class RegisteredLayersRoundTripTest {
  static final List<String> EXAMPLES = List.of(
      "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu"
          + " -> GlobalAvgPool -> Dense(W_std=1.5, b_std=0.1)",
      "Dense(512, W_std=1.4142, b_std=0.05) -> Erf -> Dense(W_std=1.4142)",
      "Conv(16, 3x3, stride=2, padding=VALID) -> Relu -> AvgPool(2) -> Flatten -> Dense",
      "Conv(3) -> LayerNorm -> Relu -> Flatten -> Dense",
      "Dense -> LeakyRelu(0.1) -> Dense -> ABRelu(-0.5, 1) -> Dense",
      "Dense -> Erf(a=2, b=0.5, c=0.1) -> Dense -> Abs -> Dense -> Identity -> Dense",
      "Dense -> Gelu -> Dense -> Sin(a=1, b=2, c=0.5) -> Dense -> Cos -> Dense -> Sign -> Dense",
      "Dense -> Rbf(0.5) -> Dense -> Monomial(2) -> Dense -> RectifiedMonomial(3) -> Dense -> Polynomial(0, 1, 0.5) -> Dense",
      "Dense -> SigmoidLike -> Dense -> Tanh -> Dense -> Softplus -> Dense -> Silu -> Dense -> Elu -> Dense",
      "Conv(3x3, padding=CIRCULAR) -> Residual(Conv(3x3, padding=SAME) -> Relu -> Conv(3x3, padding=SAME)) -> GlobalAvgPool -> Dense",
      "Conv(8, 3, padding=SAME) -> Elu(0.5) -> AvgPool(2, stride=1, padding=SAME) -> Tanh(order=16) -> Flatten -> Dense");

  static Stream<String> examples() { return EXAMPLES.stream(); }

  @ParameterizedTest
  @MethodSource("examples")
  void textRoundTrips(String text) {
    Layer a = ArchitectureParser.parse(text);
    Layer b = ArchitectureParser.parse(a.toString());
    assertEquals(a, b, a.toString());
    assertEquals(a.toString(), b.toString());
  }
}
