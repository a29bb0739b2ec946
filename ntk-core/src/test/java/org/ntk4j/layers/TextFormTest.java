package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.io.ArchitectureParser;

class TextFormTest {
  static final List<String> FORMS = List.of("Relu", "LeakyRelu(0.1)", "ABRelu(-0.5, 1)", "Erf(a=2, b=0.5, c=0.1)", "Erf",
      "Abs", "Identity", "Gelu", "Sin(a=1, b=2, c=0.5)", "Sin", "Cos", "Cos(a=2, b=1, c=-0.25)", "Sign", "Rbf(0.5)", "Rbf",
      "Monomial(2)", "Monomial(0)", "RectifiedMonomial(3)", "Polynomial(0, 1, 0.5)", "Polynomial(2)", "SigmoidLike",
      "Tanh", "Softplus", "Silu", "Elu", "Elu(0.5)", "Tanh(order=16)", "Elu(0.5, order=20)", "Silu(order=8)",
      "Softplus(order=40)", "Erf(1, 3)", "LeakyRelu(1e-5)", "Polynomial(-1.5e-7, 3)");

  /** One instance of every nonlinearity (parsed from the text forms). */
  static Nonlinearity[] everyNonlinearity() {
    return FORMS.stream().map(s -> (Nonlinearity) ArchitectureParser.parse(s)).toArray(Nonlinearity[]::new);
  }

  @Test
  void everyFormRoundTrips() {
    for (String text : FORMS) {
      Layer a = ArchitectureParser.parse(text);
      assertTrue(a instanceof Nonlinearity, text);
      Layer b = ArchitectureParser.parse(a.toString());
      assertEquals(a, b, text + " -> " + a);
      assertEquals(a.hashCode(), b.hashCode(), text);
      assertEquals(a.toString(), b.toString());
    }
  }

  @Test
  void chainsRoundTrip() {
    for (String text : new String[] {"Dense(512, W_std=1.4142, b_std=0.05) -> Erf -> Dense(W_std=1.4142)",
        "Dense -> LeakyRelu(0.1) -> Dense -> ABRelu(-0.5, 1) -> Dense",
        "Dense -> Erf(a=2, b=0.5, c=0.1) -> Dense -> Abs -> Dense -> Identity -> Dense",
        "Dense -> Gelu -> Dense -> Sin(a=1, b=2, c=0.5) -> Dense -> Cos -> Dense -> Sign -> Dense",
        "Dense -> Rbf(0.5) -> Dense -> Monomial(2) -> Dense -> RectifiedMonomial(3) -> Dense -> Polynomial(0, 1, 0.5) -> Dense",
        "Dense -> SigmoidLike -> Dense -> Tanh -> Dense -> Softplus -> Dense -> Silu -> Dense -> Elu -> Dense",
        "Dense(8) -> Elu(0.5) -> Residual(Dense(8) -> Tanh(order=16)) -> Dense"}) {
      Layer a = ArchitectureParser.parse(text);
      Layer b = ArchitectureParser.parse(a.toString());
      assertEquals(a, b, text);
      assertEquals(a.toString(), b.toString());
    }
  }

  @Test
  void printsCanonicalForms() {
    assertEquals("LeakyRelu(0.1)", ArchitectureParser.parse("leakyrelu(alpha=0.1)").toString());
    assertEquals("ABRelu(-0.5, 1)", ArchitectureParser.parse("ABRELU(-0.5, 1.0)").toString());
    assertEquals("Erf", ArchitectureParser.parse("Erf(1, 1, 0)").toString());
    assertEquals("Erf(a=2, b=0.5, c=0.1)", ArchitectureParser.parse("Erf(2, c=0.1, b=0.5)").toString());
    assertEquals("Sin(a=1, b=2, c=0.5)", ArchitectureParser.parse("sin(b=2, c=0.5)").toString());
    assertEquals("Tanh(order=16)", ArchitectureParser.parse("tanh(order=16)").toString());
    assertEquals("Tanh", ArchitectureParser.parse("Tanh(order=48)").toString());
    assertEquals("Elu(0.5)", ArchitectureParser.parse("Elu(alpha=0.5)").toString());
    assertEquals("Elu", ArchitectureParser.parse("Elu(1)").toString());
    assertEquals("SigmoidLike", ArchitectureParser.parse("Sigmoid_like").toString());
    assertEquals("Monomial(2)", ArchitectureParser.parse("Monomial(degree=2)").toString());
    assertEquals("Polynomial(0, 1, 0.5)", ArchitectureParser.parse("Polynomial(0, 1.0, 0.5)").toString());
  }

  @Test
  void equalityDistinguishesParameters() {
    assertNotEquals(ArchitectureParser.parse("LeakyRelu(0.1)"), ArchitectureParser.parse("LeakyRelu(0.2)"));
    assertNotEquals(ArchitectureParser.parse("LeakyRelu(-1)"), ArchitectureParser.parse("Abs"));
    assertNotEquals(ArchitectureParser.parse("Sin"), ArchitectureParser.parse("Cos"));
    assertNotEquals(ArchitectureParser.parse("Tanh"), ArchitectureParser.parse("Tanh(order=16)"));
    assertNotEquals(ArchitectureParser.parse("Polynomial(0, 1)"), ArchitectureParser.parse("Polynomial(0, 1, 0)"));
    assertEquals(new Erf(1, 1, -0.0), new Erf());
  }

  @Test
  void badArgumentsAreArchitectureErrorsNamingTheLayer() {
    for (String bad : new String[] {"LeakyRelu", "ABRelu(1)", "Monomial", "Monomial(2.5)", "Monomial(-1)",
        "RectifiedMonomial(30)", "Polynomial", "Rbf(0)", "Rbf(-1)", "Tanh(order=1)", "Tanh(order=2.5)", "Elu(order=0)",
        "Erf(d=1)", "Relu(1)", "Sin(1, 2, 3, 4)", "Erf(a=x)", "Gelu(approximate=1)"}) {
      ArchitectureException e = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse(bad), bad);
      String layer = bad.contains("(") ? bad.substring(0, bad.indexOf('(')) : bad;
      assertTrue(e.getMessage().toLowerCase().contains(layer.toLowerCase()) || e.getMessage().contains("position"),
          bad + ": " + e.getMessage());
    }
    assertThrows(ArchitectureException.class, () -> new Erf(Double.NaN, 1, 0));
    assertThrows(ArchitectureException.class, () -> new Sin(1, Double.POSITIVE_INFINITY, 0));
  }
}
