package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * Every layer of the architecture language at finite width, written as text the way users write it: the backward pass
 * (vector-Jacobian products for parameters and inputs) against central finite differences, in both parameterisations.
 */
class EveryLayerGradientTest {
  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("Dense(4, W_std=1.3, b_std=0.2)", new int[] {5}),
        Arguments.of("Conv(3, 3, padding=SAME, W_std=1.2, b_std=0.1)", new int[] {5, 2}),
        Arguments.of("Conv(2, 3, padding=CIRCULAR, W_std=1.2)", new int[] {4, 2}),
        Arguments.of("Conv(3, 3x3, padding=SAME, W_std=1.5, b_std=0.3)", new int[] {4, 4, 2}),
        Arguments.of("Conv(2, 3x2, stride=2, padding=VALID, W_std=1.1)", new int[] {5, 4, 1}),
        Arguments.of("Conv(2, 3, padding=CIRCULAR, W_std=1.1, b_std=0.1) -> AvgPool(2, stride=1, padding=SAME)", new int[] {4, 4, 1}),
        Arguments.of("Conv(2, 3, padding=SAME, W_std=1.1) -> AvgPool(2)", new int[] {4, 4, 1}),
        Arguments.of("Conv(3, 3, padding=SAME) -> GlobalAvgPool -> Dense(2)", new int[] {4, 4, 1}),
        Arguments.of("Conv(3, 3, padding=SAME) -> Flatten -> Dense(2, b_std=0.1)", new int[] {3, 3, 2}),
        Arguments.of("Dense(6, W_std=1.2) -> LayerNorm -> Dense(2)", new int[] {4}),
        Arguments.of("Conv(4, 3, padding=SAME) -> LayerNorm -> Flatten -> Dense(2)", new int[] {3, 3, 1}),
        Arguments.of("Conv(2, 3, padding=SAME) -> Residual(Conv(2, 3, padding=SAME) -> Relu -> Conv(2, 3, padding=SAME))"
            + " -> GlobalAvgPool -> Dense(1)", new int[] {4, 4, 2}),
        Arguments.of("Dense(5) -> Erf(a=2, b=0.5, c=0.1) -> Dense(5) -> Gelu -> Dense(5) -> Tanh -> Dense(2)", new int[] {3}),
        Arguments.of("Dense(5) -> Sin(a=1, b=2, c=0.5) -> Dense(5) -> Cos -> Dense(5) -> Softplus -> Dense(2)", new int[] {3}),
        Arguments.of("Dense(5) -> Silu -> Dense(5) -> Elu(0.5) -> Dense(5) -> SigmoidLike -> Dense(2)", new int[] {3}),
        Arguments.of("Dense(5) -> Rbf(0.5) -> Dense(5) -> Polynomial(0.1, 1, 0.5) -> Dense(5) -> Monomial(2) -> Dense(2)", new int[] {3}),
        Arguments.of("Dense(5) -> LeakyRelu(0.1) -> Dense(5) -> ABRelu(-0.5, 1) -> Dense(5) -> Abs -> Dense(5)"
            + " -> RectifiedMonomial(2) -> Dense(2)", new int[] {3}),
        Arguments.of("Dense(5) -> Identity -> Dense(3)", new int[] {3}));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("layers")
  void backwardMatchesFiniteDifferences(String text, int[] dims) {
    Layer layer = ArchitectureParser.parse(text);
    for (Parameterization p : Parameterization.values()) {
      double err = GradientCheck.check(layer, Shape.fromDims(dims), p);
      assertTrue(err < 1e-6, text + " " + p + ": relative error " + err);
    }
  }
}
