package dev.cadenza.operator.crd.v1alpha1;

/** The duration syntax the CRD accepts: a number and a unit, as in Kubernetes ({@code 64s}). */
final class Durations {

  static final String PATTERN = "^[0-9]+(ms|s|m|h)$";

  private Durations() {}
}
