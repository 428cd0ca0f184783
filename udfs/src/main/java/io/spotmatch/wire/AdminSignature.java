package io.spotmatch.wire;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature the job's relay puts on each administrative command it appends to the orders
 * topic, and its check on the way in: only a SYMBOL command signed with the admin key is obeyed.
 * The MAC is HMAC-SHA256 over the record key, the record value and the admin-topic position it
 * was relayed from, each length-prefixed so no two different triples sign the same bytes.
 */
public final class AdminSignature implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@code <admin-topic>/<partition>/<offset>}: where the relay read the command. */
    public static final String SOURCE_HEADER = "spotmatch.admin.source";
    /** HMAC-SHA256, 32 raw bytes. */
    public static final String MAC_HEADER = "spotmatch.admin.mac";
    /** HMAC-SHA256 keys shorter than its block's half are guessable sooner than the MAC itself. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";

    /** Given bytes (tests), else null and read from {@link #secret} on the task. */
    private final byte[] key;

    private final Secret secret;
    private transient byte[] resolved;

    public AdminSignature(byte[] key) {
        check(key);
        this.key = key.clone();
        this.secret = null;
    }

    /** A key read where it is used, so the job graph holds only where it is kept. */
    public AdminSignature(Secret secret) {
        this.key = null;
        this.secret = secret;
    }

    private static void check(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the admin key has " + key.length + " bytes; it needs at least " + MIN_KEY_BYTES);
        }
    }

    /** The key; a secret that is missing or too short fails here, naming where it is kept. */
    private byte[] key() {
        if (key != null) {
            return key;
        }
        byte[] k = resolved;
        if (k == null) {
            k = secret.text().stripTrailing().getBytes(StandardCharsets.UTF_8);
            if (k.length < MIN_KEY_BYTES) {
                throw new IllegalStateException("the admin key (" + secret.where() + ") has " + k.length
                        + " bytes; it needs at least " + MIN_KEY_BYTES);
            }
            resolved = k;
        }
        return k;
    }

    /** Where a relayed command came from on the admin topic. */
    public record Source(String topic, int partition, long offset) {

        @Override
        public String toString() {
            return topic + "/" + partition + "/" + offset;
        }

        static Source parse(String s) {
            int b = s.lastIndexOf('/');
            int a = b <= 0 ? -1 : s.lastIndexOf('/', b - 1);
            if (a <= 0) {
                return null;
            }
            try {
                Source r = new Source(
                        s.substring(0, a), Integer.parseInt(s.substring(a + 1, b)), Long.parseLong(s.substring(b + 1)));
                return r.partition >= 0 && r.offset >= 0 ? r : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public byte[] mac(byte[] recordKey, byte[] value, String source) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key(), ALGORITHM));
            update(mac, recordKey);
            update(mac, value);
            update(mac, source.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static void update(Mac mac, byte[] part) {
        int n = part == null ? -1 : part.length;
        mac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        if (part != null) {
            mac.update(part);
        }
    }

    /**
     * Checks a parsed record of the orders topic against the admin headers it carries.
     *
     * @return where a signed SYMBOL command was relayed from, or null for an order command
     * @throws PoisonException a SYMBOL command not signed by the relay, or an order command carrying admin headers
     */
    public Source check(Command command, byte[] recordKey, byte[] value, byte[] sourceHeader, byte[] macHeader)
            throws PoisonException {
        if (command.type() != CommandType.SYMBOL) {
            if (sourceHeader != null || macHeader != null) {
                throw new PoisonException(
                        PoisonCode.ADMIN_HEADERS_ON_ORDER,
                        "a " + command.type() + " command carries "
                                + (sourceHeader != null ? SOURCE_HEADER : MAC_HEADER)
                                + ", which only relayed SYMBOL commands may");
            }
            return null;
        }
        if (sourceHeader == null || macHeader == null) {
            throw new PoisonException(
                    PoisonCode.ADMIN_ON_ORDERS_TOPIC,
                    "a SYMBOL command on the orders topic without "
                            + (sourceHeader == null ? SOURCE_HEADER : MAC_HEADER)
                            + ": administrative commands are produced to"
                            + " the admin topic, and only the job's relay puts them on the orders topic");
        }
        String source = new String(sourceHeader, StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(mac(recordKey, value, source), macHeader)) {
            throw new PoisonException(
                    PoisonCode.INVALID_ADMIN_SIGNATURE,
                    MAC_HEADER + " does not match the record:"
                            + " forged, altered after relaying, or signed with another admin key");
        }
        Source s = Source.parse(source);
        if (s == null) {
            throw new PoisonException(
                    PoisonCode.INVALID_ADMIN_SIGNATURE,
                    SOURCE_HEADER + " '" + source + "' is not <topic>/<partition>/<offset>");
        }
        return s;
    }

    @Override
    public String toString() {
        return "AdminSignature{key hidden}";
    }
}
