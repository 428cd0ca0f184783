package io.spotmatch.flink;

import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How long the sinks wait for PostgreSQL. Without these a database that accepts connections but
 * does not answer stalls its sink forever (and with it, by backpressure, matching for every
 * symbol of the subtask), and a statement waits forever behind a lock.
 *
 * <ul>
 *   <li>{@code connect}: TCP connect and login (pgjdbc connectTimeout, loginTimeout);
 *   <li>{@code socket}: any read (pgjdbc socketTimeout), and the server's
 *       idle_in_transaction_session_timeout, so a session whose client is gone releases its locks;
 *   <li>{@code statement}, {@code lock}: the session's statement_timeout and lock_timeout.
 * </ul>
 */
public record JdbcTimeouts(Duration connect, Duration socket, Duration statement, Duration lock)
        implements Serializable {

    /** {@code url} with these timeouts as pgjdbc parameters (a URL that sets {@code options} itself loses it). */
    public String url(String url) {
        String options = "-c statement_timeout=" + statement.toMillis() + " -c lock_timeout=" + lock.toMillis()
                + " -c idle_in_transaction_session_timeout=" + socket.toMillis();
        return url + (url.contains("?") ? "&" : "?")
                + "connectTimeout=" + seconds(connect) + "&loginTimeout=" + seconds(connect)
                + "&socketTimeout=" + seconds(socket)
                + "&options="
                + URLEncoder.encode(options, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** pgjdbc takes whole seconds; a timeout below one second still times out. */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
