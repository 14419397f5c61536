package dev.plasticity.registry.server;

import dev.plasticity.registry.client.Sha256;
import dev.plasticity.schemas.Aliases;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what on the registry: named bearer tokens, each with a {@link Role}. Without any token
 * the registry is open and every change is made by {@value #ANONYMOUS}. With tokens, every write
 * needs a token whose role allows it; reads stay open unless {@link #openReads()} is false (it is
 * false as soon as named tokens are configured). Tokens are compared by their SHA-256 digests in
 * constant time and never kept in clear. Immutable and thread-safe.
 */
public final class RegistryAccess {
  /** Who makes a change on a registry without tokens. */
  public static final String ANONYMOUS = "anonymous";
  /** The name of the single token {@code PLASTICITY_REGISTRY_TOKEN} configures. */
  public static final String SINGLE_TOKEN_NAME = "token";

  /** A named token's holder: the name the history records as the actor, and its role. */
  public record Principal(String name, Role role) {
    public Principal {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(role, "role");
    }
  }

  /** Why a request was refused: 401 without a known token, 403 with one whose role is too low. */
  public static final class Refusal extends RuntimeException {
    private final boolean authenticated;

    Refusal(String message, boolean authenticated) {
      super(message);
      this.authenticated = authenticated;
    }

    /** True when the token was known but its role does not allow the request (403). */
    public boolean authenticated() {
      return authenticated;
    }
  }

  private record Token(byte[] digest, Principal principal) {}

  private final List<Token> tokens;
  private final boolean openReads;

  private RegistryAccess(List<Token> tokens, boolean openReads) {
    this.tokens = List.copyOf(tokens);
    this.openReads = openReads;
  }

  /** No tokens: everything open. */
  public static RegistryAccess open() {
    return new RegistryAccess(List.of(), true);
  }

  /**
   * From the configuration: {@code singleToken} (may be null), an admin token named
   * {@value #SINGLE_TOKEN_NAME} with reads left open, and {@code namedTokens} (may be null or
   * blank), {@code NAME:ROLE:TOKEN} separated by commas, which also close reads.
   *
   * @throws IllegalArgumentException naming the entry that is malformed or repeated
   */
  public static RegistryAccess of(String singleToken, String namedTokens) {
    List<Token> tokens = new ArrayList<>();
    Set<String> names = new HashSet<>();
    if (singleToken != null && !singleToken.isBlank()) {
      tokens.add(new Token(digest(singleToken.trim()), new Principal(SINGLE_TOKEN_NAME, Role.ADMIN)));
      names.add(SINGLE_TOKEN_NAME);
    }
    boolean named = namedTokens != null && !namedTokens.isBlank();
    if (named) {
      int index = 0;
      for (String entry : namedTokens.split(",")) {
        index++;
        String[] parts = entry.trim().split(":", 3);
        if (parts.length != 3 || parts[2].isBlank()) {
          throw new IllegalArgumentException("token " + index + " is not NAME:ROLE:TOKEN (e.g. trainer:write:s3cret)");
        }
        String name = parts[0].trim();
        if (!Aliases.NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("token " + index + ": a token's name is " + Aliases.NAME_RULE);
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("token " + index + ": the name '" + name + "' is given twice");
        }
        byte[] digest = digest(parts[2].trim());
        if (tokens.stream().anyMatch(t -> MessageDigest.isEqual(t.digest(), digest))) {
          throw new IllegalArgumentException("token " + index + " ('" + name + "') repeats another name's token");
        }
        tokens.add(new Token(digest, new Principal(name, Role.parse(parts[1]))));
      }
    }
    return new RegistryAccess(tokens, !named);
  }

  /** Whether any token is configured. */
  public boolean secured() {
    return !tokens.isEmpty();
  }

  /** Whether reads need no token. */
  public boolean openReads() {
    return openReads;
  }

  /**
   * Who sends {@code authorization} (the header's value, may be null) and whether they may do what
   * {@code needed} allows.
   *
   * @return the actor's name for the history
   * @throws Refusal when they may not
   */
  public String authorize(String authorization, Role needed) {
    if (!secured() || (needed == Role.READ && openReads && authorization == null)) {
      return ANONYMOUS;
    }
    Optional<Principal> principal = principal(authorization);
    if (principal.isEmpty()) {
      throw new Refusal((needed == Role.READ ? "reads from" : "this request to") + " this registry needs"
          + " 'Authorization: Bearer <token>' with a token whose role is " + needed.name().toLowerCase(java.util.Locale.ROOT)
          + " or higher", false);
    }
    if (!principal.get().role().allows(needed)) {
      throw new Refusal("the token '" + principal.get().name() + "' has the role "
          + principal.get().role().name().toLowerCase(java.util.Locale.ROOT) + "; this request needs "
          + needed.name().toLowerCase(java.util.Locale.ROOT), true);
    }
    return principal.get().name();
  }

  private Optional<Principal> principal(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = digest(authorization.substring(7).trim());
    Principal found = null;
    for (Token token : tokens) { // every token compared, in constant time each
      if (MessageDigest.isEqual(presented, token.digest())) {
        found = token.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    return Sha256.digest().digest(token.getBytes(StandardCharsets.UTF_8));
  }
}
