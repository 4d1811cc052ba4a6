package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake keys one component holds. Each link has its own key, named after the role that
 * dials it: {@code K_server} authenticates the server-to-scheduler link (on which the scheduler
 * controls the server's shards), {@code K_worker} every link a worker dials (to the scheduler and
 * to servers). Both are derived from the application secret as
 * {@code K_role = HMAC-SHA256(secret, "spark-ps role " + role name in lower case)}.
 * The driver holds both ({@link #derive}); a server both (it dials the scheduler and accepts
 * workers); a worker only {@code K_worker} ({@link #only}), so a leaked task closure cannot
 * register a server or pose as the scheduler to one. Immutable, serialisable, thread-safe.
 */
public final class AuthKeys implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final String HMAC = "HmacSHA256";
  /** Roles that dial, and so name a link key. */
  private static final PsRole[] LINK_ROLES = {PsRole.SERVER, PsRole.WORKER};

  private final EnumMap<PsRole, byte[]> keys;

  private AuthKeys(EnumMap<PsRole, byte[]> keys) {
    this.keys = keys;
  }

  /** All link keys, derived from the application secret (at least 16 bytes). */
  public static AuthKeys derive(byte[] secret) {
    requireArgument(secret != null && secret.length >= 16,
        "secret too short: bytes=%s (>= 16)", secret == null ? 0 : secret.length);
    EnumMap<PsRole, byte[]> keys = new EnumMap<>(PsRole.class);
    for (PsRole role : LINK_ROLES) {
      keys.put(role, hmacSha256(secret, ("spark-ps role " + role.name().toLowerCase(java.util.Locale.ROOT))
          .getBytes(StandardCharsets.UTF_8)));
    }
    return new AuthKeys(keys);
  }

  /** Explicit keys, e.g. as shipped to an executor; each at least 16 bytes. */
  public static AuthKeys of(Map<PsRole, byte[]> keys) {
    requireArgument(keys != null && !keys.isEmpty(), "no keys given: keys=%s (at least one)", keys);
    EnumMap<PsRole, byte[]> copy = new EnumMap<>(PsRole.class);
    keys.forEach((role, key) -> {
      requireArgument(role != PsRole.SCHEDULER, "the scheduler never dials: no link key for role=%s", role);
      requireArgument(key != null && key.length >= 16, "key too short: role=%s, bytes=%s (>= 16)", role,
          key == null ? 0 : key.length);
      copy.put(role, key.clone());
    });
    return new AuthKeys(copy);
  }

  /** These keys restricted to the links dialled by {@code roles}, which must all be held. */
  public AuthKeys only(PsRole... roles) {
    EnumMap<PsRole, byte[]> subset = new EnumMap<>(PsRole.class);
    for (PsRole role : roles) {
      requireArgument(keys.containsKey(role), "no key held for role=%s (held: %s)", role, keys.keySet());
      subset.put(role, keys.get(role));
    }
    requireArgument(!subset.isEmpty(), "no roles given: roles=%s (at least one)", Arrays.toString(roles));
    return new AuthKeys(subset);
  }

  /** Whether the key of links dialled by {@code role} is held. */
  public boolean holds(PsRole role) {
    return keys.containsKey(role);
  }

  /** A copy of the key of links dialled by {@code role}, or null when it is not held. */
  public byte[] key(PsRole role) {
    byte[] k = keys.get(role);
    return k == null ? null : k.clone();
  }

  /** HMAC-SHA256 of {@code data} under {@code key}: the one implementation, the handshake's too. */
  public static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      // A Mac instance is not thread-safe and this is rare (handshakes, key derivation): one per call.
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AuthKeys other) || !keys.keySet().equals(other.keys.keySet())) {
      return false;
    }
    for (Map.Entry<PsRole, byte[]> e : keys.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.keys.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<PsRole, byte[]> e : keys.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  /** Names the roles only; never prints a key. */
  @Override
  public String toString() {
    return "AuthKeys" + keys.keySet();
  }
}
