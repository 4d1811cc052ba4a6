/**
 * Typed configuration: {@link io.sparkps.core.config.PsConfig} (deployment settings, built with a
 * validating set-once builder), {@link io.sparkps.core.config.TlsConfig} and
 * {@link io.sparkps.core.config.TlsIdentity} (data-plane TLS: trusted certificates, and the key a
 * server presents, which never serialises), {@link io.sparkps.core.config.AuthKeys} (the handshake's
 * link keys a component holds) and {@link io.sparkps.core.config.PsRole} (what a peer proves to be),
 * {@link io.sparkps.core.config.TransportLimits} (connection caps, idle and frame timeouts),
 * {@link io.sparkps.core.config.TableSpec} (what a table is), the
 * injectable {@link io.sparkps.core.config.Ticker} and the shared argument checks. Everything
 * here is immutable and thread-safe; the Spark module maps {@code spark.ps.*} keys onto these.
 */
package io.sparkps.core.config;
