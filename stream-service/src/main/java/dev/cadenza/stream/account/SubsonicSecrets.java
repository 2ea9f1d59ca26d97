package dev.cadenza.stream.account;

import dev.cadenza.stream.store.DataProperties;
import dev.cadenza.stream.store.ItemStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The recoverable form of a password that Subsonic token authentication needs (md5(password + salt)
 * can only be checked by someone who knows the password): AES-256-GCM under a key derived from
 * {@code cadenza.auth.secret-key}, with the user id as associated data so that a secret copied onto
 * another user does not open. The trade-off is documented in docs/auth.md.
 *
 * <p>The key is loaded on first use: a service with authentication off that never creates a user
 * never writes {@code secret.key}.
 */
final class SubsonicSecrets {

  private static final String VERSION = "v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final AuthProperties settings;
  private final DataProperties data;
  private final boolean sharedStore;
  private final SecureRandom random = new SecureRandom();
  private volatile SecretKey key;

  SubsonicSecrets(AuthProperties settings, DataProperties data, ItemStore store) {
    this.settings = settings;
    this.data = data;
    this.sharedStore = store.shared();
  }

  /** Loads (or generates) the key now, so that a missing or unreadable one stops start-up. */
  void load() {
    key();
  }

  String seal(String userId, String password) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, userId);
      byte[] sealed = cipher.doFinal(password.getBytes(StandardCharsets.UTF_8));
      return VERSION
          + Base64.getEncoder()
              .encodeToString(
                  ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /**
   * The password sealed for {@code userId}; {@code IllegalArgumentException} if it does not open
   * (another secret key, or another user's secret).
   */
  String open(String userId, String sealed) {
    if (!sealed.startsWith(VERSION)) {
      throw new IllegalArgumentException("unknown Subsonic secret format");
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
      if (bytes.length <= IV_BYTES) {
        throw new IllegalArgumentException("truncated Subsonic secret");
      }
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, IV_BYTES), userId);
      byte[] plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the Subsonic secret does not open with this secret key");
    }
  }

  private Cipher cipher(int mode, byte[] iv, String userId) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key(), new GCMParameterSpec(TAG_BITS, iv));
    cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  private SecretKey key() {
    SecretKey k = key;
    if (k == null) {
      synchronized (this) {
        if (key == null) {
          key = derive(secretKey());
        }
        k = key;
      }
    }
    return k;
  }

  private byte[] secretKey() {
    if (settings.secretKey() != null) {
      return AuthProperties.decodeSecretKey("cadenza.auth.secret-key", settings.secretKey());
    }
    if (sharedStore) {
      // a key per pod would leave every pod unable to open the others' secrets
      throw new IllegalStateException(
          "cadenza.auth.secret-key (CADENZA_AUTH_SECRET_KEY) must be set when pods share the users"
              + " table: every pod needs the same key (base64 of 32 random bytes, e.g. openssl rand"
              + " -base64 32)");
    }
    return SecretKeyFile.loadOrCreate(data.directory());
  }

  /** A key for this one purpose, so the secret key can serve others later. */
  private static SecretKey derive(byte[] secretKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey, "HmacSHA256"));
      byte[] aes = mac.doFinal("cadenza subsonic secret v1".getBytes(StandardCharsets.US_ASCII));
      return new SecretKeySpec(aes, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }
}
