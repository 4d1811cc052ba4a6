/**
 * Key material for TLS on the data plane, written with the JDK alone:
 * {@link io.sparkps.core.security.SelfSignedCertificates} creates the per-application key pair and
 * self-signed X.509 certificate that the Spark driver hands its executors when the user gives no
 * key store. The settings that use it live in {@link io.sparkps.core.config.TlsConfig}; the
 * pipelines that use those live in {@code io.sparkps.core.transport}. Stateless and thread-safe.
 */
package io.sparkps.core.security;
