package org.ntk4j.layers;

import java.util.Map;

/** Text-form names of the nonlinearities (lower case). */
final class NonlinearityRegistry {
  private NonlinearityRegistry() {}

  static void register(Map<String, LayerFactory> m) {
    m.put("relu", a -> new Relu());
    m.put("leakyrelu", a -> new LeakyRelu(a.requiredNumber("alpha")));
    m.put("abrelu", a -> {
      double x = a.requiredNumber("a");
      double y = a.requiredNumber("b");
      return new ABRelu(x, y);
    });
    m.put("abs", a -> new Abs());
    m.put("identity", a -> new Identity());
    m.put("erf", a -> {
      double[] abc = abc(a);
      return new Erf(abc[0], abc[1], abc[2]);
    });
    LayerFactory sigmoidLike = a -> new SigmoidLike();
    m.put("sigmoidlike", sigmoidLike);
    m.put("sigmoid_like", sigmoidLike);
    m.put("gelu", a -> new Gelu());
    m.put("sin", a -> {
      double[] abc = abc(a);
      return new Sin(abc[0], abc[1], abc[2]);
    });
    m.put("cos", a -> {
      double[] abc = abc(a);
      return new Cos(abc[0], abc[1], abc[2]);
    });
    m.put("sign", a -> new Sign());
    m.put("rbf", a -> new Rbf(a.number("gamma", true, 1.0)));
    m.put("monomial", a -> new Monomial(degree(a)));
    m.put("rectifiedmonomial", a -> new RectifiedMonomial(degree(a)));
    m.put("polynomial", a -> new Polynomial(a.remainingNumbers("coefficient")));
    m.put("tanh", a -> new Tanh(order(a)));
    m.put("softplus", a -> new Softplus(order(a)));
    m.put("silu", a -> new Silu(order(a)));
    m.put("elu", a -> {
      double alpha = a.number("alpha", true, 1.0);
      return new Elu(alpha, order(a));
    });
  }

  private static double[] abc(Args a) {
    double x = a.number("a", true, 1.0);
    double y = a.number("b", true, 1.0);
    double z = a.number("c", true, 0.0);
    return new double[] {x, y, z};
  }

  private static int degree(Args a) {
    Args.Value v = a.named("degree");
    if (v == null) v = a.nextPositional();
    if (v == null) throw a.fail(null, "missing required argument degree, e.g. " + a.layer() + "(2)");
    return a.parseInt(v, "degree");
  }

  private static int order(Args a) {
    Args.Value v = a.named("order");
    return v == null ? NumericalNonlinearity.DEFAULT_ORDER : a.parseInt(v, "order");
  }
}
