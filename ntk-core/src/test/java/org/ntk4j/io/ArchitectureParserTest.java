package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.LayerRegistry;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Relu;
import org.ntk4j.layers.Residual;
import org.ntk4j.layers.Serial;

class ArchitectureParserTest {

  /**
   * Architectures of the layers registered in the foundation. Add examples here (as text); layers merged later
   * (Conv, Erf, ...) go in {@link RegisteredLayersRoundTripTest#EXAMPLES}.
   */
  static final List<String> EXAMPLES = List.of(
      "Relu",
      "Dense",
      "Dense(512)",
      "Dense(W_std=1.5)",
      "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)",
      "Dense(W_std=1) -> Residual(Dense(256, W_std=1.4) -> Relu -> Dense(256)) -> Relu -> Dense",
      "Dense(W_std=1.41421356237, b_std=0.70710678118) -> Relu -> Dense(W_std=1.41421356237, b_std=0.70710678118)",
      "Residual(Dense)",
      "Residual(Dense(2)) -> Residual(Relu -> Dense(W_std=2, b_std=0))",
      "Residual(Residual(Dense -> Relu) -> Dense(b_std=1e-3))",
      "dense(w_std=1.5E-3, B_STD=.5)->RELU->DENSE(+7)",
      "Dense(W_std=0) -> Dense(W_std=1e300, b_std=4.9e-324)",
      "  Dense ( 3 , W_std = 2 )  ->  Relu  ");

  static Stream<String> examples() { return EXAMPLES.stream(); }

  @ParameterizedTest
  @MethodSource("examples")
  void textRoundTrips(String text) {
    Layer a = ArchitectureParser.parse(text);
    String canonical = a.toString();
    Layer b = ArchitectureParser.parse(canonical);
    assertEquals(a, b, canonical);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(canonical, b.toString());
  }

  @Test
  void javaBuiltLayersRoundTrip() {
    List<Layer> layers = List.of(
        new Relu(),
        Dense.of(1.5),
        Dense.of(512, 1.4142, 0.05),
        Dense.of(1.0 / 3.0, Math.PI),
        Layers.serial(Dense.of(2, 1.3, 0.1), new Relu(), Dense.of(0.7)),
        new Residual(Layers.serial(Dense.of(16, 1.4, Double.NaN), new Relu(), Dense.of(16, 1.0, Double.NaN))),
        Layers.residual(Dense.of(1.0)),
        Layers.serial(new Relu()),
        Layers.residual(Dense.of(3, 1.0, 0.1), new Relu(), Dense.of(3, 1.0, Double.NaN)),
        Layers.serial(Dense.of(1.0), new Residual(Dense.of(1.2)), new Relu(),
            new Residual(Layers.serial(new Residual(Dense.of(3, 2.0, 0.5)), new Relu(), Dense.of(1.0))), Dense.of(1.0)));
    for (Layer l : layers) assertEquals(l, ArchitectureParser.parse(l.toString()), l.toString());
  }

  @Test
  void parsesToTheJavaObjects() {
    assertEquals(Layers.serial(Dense.of(512, 1.4142, 0.05), new Relu(), Dense.of(1.4142)),
        ArchitectureParser.parse("Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)"));
    assertEquals(Layers.serial(Dense.of(1), new Residual(Layers.serial(Dense.of(256, 1.4, Double.NaN), new Relu(),
            Dense.of(256, 1, Double.NaN))), new Relu(), Dense.of(1)),
        ArchitectureParser.parse("Dense(W_std=1) -> Residual(Dense(256, W_std=1.4) -> Relu -> Dense(256)) -> Relu -> Dense"));
    assertEquals(new Residual(Dense.of(1)), ArchitectureParser.parse("Residual(Dense)"));
    assertEquals(Dense.of(7, 1.5e-3, 0.5), ArchitectureParser.parse("dense(+7, w_std=1.5E-3, B_STD=.5)"));
    assertEquals(Dense.of(3, 1.0, 0.0), ArchitectureParser.parse("Dense(3, b_std=0)"));
    assertEquals(Layers.serial(new Relu(), Dense.of(1.0)), ArchitectureParser.parse("Relu->Dense"));
    // a single layer is itself, not a chain of one
    assertInstanceOf(Relu.class, ArchitectureParser.parse("Relu"));
    assertInstanceOf(Serial.class, ArchitectureParser.parse("Relu -> Relu"));
  }

  @Test
  void namesAreCaseInsensitive() {
    for (String s : new String[] {"relu", "RELU", "ReLu", "Relu()", "relu ( )"}) assertEquals(new Relu(), ArchitectureParser.parse(s));
    assertEquals(Dense.of(2.0, 0.5), ArchitectureParser.parse("DENSE(w_STD=2, B_std=0.5)"));
  }

  /** Every registered layer that needs no argument round-trips, whoever registered it (Conv, Erf, ... once merged). */
  @Test
  void everyRegisteredLayerWithoutArgumentsRoundTrips() {
    int built = 0;
    for (String name : LayerRegistry.names()) {
      Layer l;
      try {
        l = ArchitectureParser.parse(name);
      } catch (ArchitectureException needsArguments) {
        assertTrue(needsArguments.getMessage().startsWith("at position "), needsArguments.getMessage());
        continue;
      }
      built++;
      assertEquals(l, ArchitectureParser.parse(l.toString()), name + " -> " + l);
      Layer chain = ArchitectureParser.parse("Dense(W_std=1.5) -> " + l + " -> Dense(W_std=2)");
      assertEquals(chain, ArchitectureParser.parse(chain.toString()));
    }
    assertTrue(built >= 2, "dense and relu need no arguments");
  }

  // ------------------------------------------------------------------------------------------------ errors

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("Dense(512 -> Relu", 11, "expected ')' or ',' but found '->'"),
        Arguments.of("Dense(512, W_std=1.4142 -> Relu", 25, "expected ')' or ',' but found '->'"),
        Arguments.of("", 1, "expected a layer name but found the end of the architecture"),
        Arguments.of("   ", 4, "expected a layer name but found the end of the architecture"),
        Arguments.of("Dense ->", 9, "expected a layer name but found the end of the architecture"),
        Arguments.of("Dense -> -> Relu", 10, "expected a layer name but found '->'"),
        Arguments.of("3 -> Relu", 1, "expected a layer name but found '3'"),
        Arguments.of("Dense Relu", 7, "expected '->' or the end of the architecture but found 'Relu'"),
        Arguments.of("Dense(W_std=1))", 15, "expected '->' or the end of the architecture but found ')'"),
        Arguments.of("Dense(W_std=)", 13, "expected a value (a number, a word or an architecture) but found ')'"),
        Arguments.of("Dense(W_std=1", 14, "expected ')' or ',' but found the end of the architecture"),
        Arguments.of("Dense(,)", 7, "expected a value"),
        Arguments.of("Dense % Relu", 7, "unexpected character '%'"),
        Arguments.of("Dense > Relu", 7, "unexpected character '>' (an arrow is written '->')"),
        Arguments.of("Dense(W_std=abc)", 7, "Dense: W_std must be a number, got 'abc'"),
        Arguments.of("Dense(W_std=1, foo=2)", 16, "Dense: unknown argument 'foo'"),
        Arguments.of("Dense(1.5)", 7, "Dense: width must be an integer, got 1.5"),
        Arguments.of("Dense(W_std=-1)", 1, "W_std must be finite and >= 0"),
        Arguments.of("Dense(W_std=1, W_std=2)", 16, "argument 'W_std' given twice"),
        Arguments.of("Dense(W_std=1, 512)", 16, "positional argument '512' after key=value arguments"),
        Arguments.of("Dense -> Relu(3)", 15, "Relu: unexpected argument '3'"),
        Arguments.of("Dense -> Residual(Relu)", 10, "the branch needs a Dense or Conv layer"),
        Arguments.of("Residual(3)", 10, "expects an architecture"),
        Arguments.of("Residual", 1, "expects an architecture"),
        Arguments.of("Dense -> Residual(Dense -> Reluu) -> Relu", 28, "unknown layer 'Reluu'"),
        Arguments.of("Dense(W_std=1e999)", 7, "W_std must be finite"));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void errorsNameThePositionAndWhatWasExpected(String text, int position, String what) {
    ArchitectureException e = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse(text));
    String m = e.getMessage();
    assertTrue(m.contains("at position " + position + ":") || m.contains("at position " + position + " "),
        () -> "'" + text + "': expected position " + position + " in: " + m);
    assertTrue(m.contains(what), () -> "'" + text + "': expected '" + what + "' in: " + m);
    assertTrue(!m.contains("\n"), "one line");
  }

  @Test
  void unknownLayerListsTheKnownOnesAndSuggests() {
    ArchitectureException e = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse("Dense -> Reluu"));
    assertTrue(e.getMessage().startsWith("unknown layer 'Reluu' at position 10 (known: "), e.getMessage());
    for (String n : LayerRegistry.names()) assertTrue(e.getMessage().contains(n), n);
    assertTrue(e.getMessage().endsWith("did you mean 'relu'?"), e.getMessage());
    ArchitectureException far = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse("Transformer"));
    assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
  }

  @Test
  void editDistance() {
    assertEquals(0, ArchitectureParser.editDistance("relu", "relu"));
    assertEquals(1, ArchitectureParser.editDistance("reluu", "relu"));
    assertEquals(3, ArchitectureParser.editDistance("kitten", "sitting"));
  }

  @Test
  void nullIsRefused() {
    assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse(null));
  }
}
