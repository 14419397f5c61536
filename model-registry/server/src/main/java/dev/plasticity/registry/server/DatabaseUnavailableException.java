package dev.plasticity.registry.server;

/**
 * The registry's metadata database could not be reached (a JDBC connection exception, SQL state
 * class {@code 08}): the request is answered 503 with {@code Retry-After}, since the same request
 * may succeed once the database is back. A registration the trainer retries is idempotent by its
 * trigger id, so a retry never registers a second version.
 */
final class DatabaseUnavailableException extends IllegalStateException {
  DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code sqlState} is a connection exception (class {@code 08}), as PostgreSQL's driver reports a refused or lost connection. */
  static boolean isConnectionFailure(String sqlState) {
    return sqlState != null && sqlState.startsWith("08");
  }
}
