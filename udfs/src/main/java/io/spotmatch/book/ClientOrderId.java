package io.spotmatch.book;

/** A user's client order id: unique per user and symbol among open and recently closed orders. */
public record ClientOrderId(long userId, String clientOrderId) {

    /** The engine's map key: user ids are numbers and client order ids have no space. */
    static String key(long userId, String clientOrderId) {
        return userId + " " + clientOrderId;
    }

    static ClientOrderId ofKey(String key) {
        int space = key.indexOf(' ');
        return new ClientOrderId(Long.parseLong(key, 0, space, 10), key.substring(space + 1));
    }
}
